#ifndef JANUS_CPREFETCH_SHIM_H
#define JANUS_CPREFETCH_SHIM_H

/// A cache prefetch hint, which Swift has no spelling for. Header only: nothing to link.
static inline void janus_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
