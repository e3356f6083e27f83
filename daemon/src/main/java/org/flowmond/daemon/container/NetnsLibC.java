package org.flowmond.daemon.container;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Tier 1: the libc calls that read a network namespace's cookie (a socket made inside the
 * namespace, {@code getsockopt(SO_NETNS_COOKIE)}). Every pointer is a Java array.
 */
public interface NetnsLibC {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    /** asm-generic/socket.h; Linux 5.14 and later. */
    int SO_NETNS_COOKIE = 71;

    // C: int open(const char *pathname, int flags);
    int open(String pathname, int flags);

    // C: int setns(int fd, int nstype);
    int setns(int fd, int nstype);

    // C: int socket(int domain, int type, int protocol);
    int socket(int domain, int type, int protocol);

    // C: int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
    int getsockopt(int fd, int level, int optname, @Out byte[] optval, @In @Out int[] optlen);

    // C: int close(int fd);
    int close(int fd);

    // C: char *strerror(int errnum);
    String strerror(int errnum);
}
