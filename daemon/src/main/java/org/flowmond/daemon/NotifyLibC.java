package org.flowmond.daemon;

import jnr.ffi.annotations.In;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Tier 1: the libc calls behind sd_notify. Java 17 has no AF_UNIX datagram socket, and systemd's
 * notification socket is one. The only native code in the daemon module; every pointer is a Java
 * byte array copied in.
 */
public interface NotifyLibC {
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    /** Do not raise SIGPIPE if systemd has gone away. */
    int MSG_NOSIGNAL = 0x4000;

    // C: int socket(int domain, int type, int protocol);
    int socket(int domain, int type, int protocol);

    // C: ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);
    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] destAddr, int addrLen);

    // C: int close(int fd);
    int close(int fd);

    // C: char *strerror(int errnum);
    String strerror(int errnum);
}
