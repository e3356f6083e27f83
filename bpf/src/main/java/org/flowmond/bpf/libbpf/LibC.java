package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Tier 1: the few libc functions the binding needs (formatting libbpf's log, iterators, mounts,
 * namespaces, the ring reader's wake-up eventfd, a ring's positions mapped read-only).
 */
@SuppressWarnings("checkstyle:MethodName")
public interface LibC {
    // C: int vsnprintf(char *str, size_t size, const char *format, va_list ap);
    int vsnprintf(Pointer str, @size_t long size, Pointer format, Pointer vaList);

    // C: ssize_t read(int fd, void *buf, size_t count);
    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);

    // C: ssize_t write(int fd, const void *buf, size_t count);
    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);

    // C: int eventfd(unsigned int initval, int flags);
    int eventfd(int initval, int flags);

    // C: int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
    int epoll_ctl(int epfd, int op, int fd, @In byte[] event);

    // C: void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    // C: int munmap(void *addr, size_t length);
    int munmap(Pointer addr, @size_t long length);

    // C: long sysconf(int name);
    long sysconf(int name);

    // C: int open(const char *pathname, int flags);
    int open(String path, int flags);

    // C: int close(int fd);
    int close(int fd);

    // C: int setns(int fd, int nstype);
    int setns(int fd, int nstype);

    // C: int mount(const char *source, const char *target, const char *filesystemtype, unsigned long mountflags, const void *data);
    int mount(String source, String target, String fsType, long flags, Pointer data);

    // C: int umount2(const char *target, int flags);
    int umount2(String target, int flags);

    // C: char *strerror(int errnum);
    String strerror(int errnum);

    // C: long syscall(long number, ...); — here with three long arguments (pidfd_open, pidfd_getfd)
    long syscall(long number, long a1, long a2, long a3);

    // C: int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
    int getsockopt(int fd, int level, int optname, @Out byte[] optval, int[] optlen);

    // C: pid_t gettid(void);
    int gettid();
}
