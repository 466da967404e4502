#ifndef JANUS_CZSTD_SHIM_H
#define JANUS_CZSTD_SHIM_H
#include <zstd.h>
#endif
