#ifndef JANUS_CSYSTEM_SHIM_H
#define JANUS_CSYSTEM_SHIM_H
/* Small system calls and compiler hints that Swift cannot spell. Header only: nothing to link. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

/* Exchanges two paths atomically (renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno
   set where the kernel or the file system cannot. */
static inline int janus_rename_exchange(const char *from, const char *to) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1 << 1);
#else
    errno = ENOSYS;
    return -1;

/* A cache prefetch hint, which Swift has no spelling for. */
static inline void janus_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
}

/* A cache prefetch hint, which Swift has no spelling for. */
static inline void janus_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
