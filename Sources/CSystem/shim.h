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
#endif
}

/* A cache prefetch hint, which Swift has no spelling for. */
static inline void janus_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#ifdef __linux__
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/* epoll for the HTTP transport, without the packed struct epoll_event crossing into Swift.
   `what` and the returned flags use libcurl's values: 1 readable, 2 writable (3 both),
   4 error or hang-up. */
static inline int janus_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}
/* Watches `fd` for `what` (1, 2 or 3); what 0 removes it. `registered` says whether the caller
   believes `fd` is in the set already: one epoll_ctl (MOD or ADD) when it is right, a second
   (the other of the two) when it is not. Returns 0, or -1 with errno set. */
static inline int janus_epoll_watch(int ep, int fd, int what, int registered) {
    if (what == 0) return epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    struct epoll_event ev = {0};
    ev.events = ((what & 1) ? EPOLLIN : 0) | ((what & 2) ? EPOLLOUT : 0);
    ev.data.fd = fd;
    if (registered) {
        if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0) return 0;
        if (errno != ENOENT) return -1;
        return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0) return 0;
    if (errno != EEXIST) return -1;
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}
/* Waits up to `timeout_ms` (-1: no limit); fills fds[i] and flags[i]; returns how many (or -1). */
static inline int janus_epoll_wait(int ep, int *fds, int *flags, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = epoll_wait(ep, events, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint32_t e = events[i].events;
        fds[i] = events[i].data.fd;
        flags[i] = ((e & EPOLLIN) ? 1 : 0) | ((e & EPOLLOUT) ? 2 : 0) | ((e & (EPOLLERR | EPOLLHUP)) ? 4 : 0);
    }
    return n;
}
static inline int janus_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}
static inline void janus_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;
}
static inline void janus_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;
}
#endif
#endif
