#ifndef JANUS_CZLIB_SHIM_H
#define JANUS_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro that passes ZLIB_VERSION and sizeof(z_stream); Swift cannot call it.
/// windowBits 15 + 32: accept a gzip or a zlib header, detected from the first bytes.
static inline int janus_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}

/// deflateInit2 for gzip output (windowBits 15 + 16), used by tests and exports.
static inline int janus_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
