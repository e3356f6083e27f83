package org.flowmond.bpf.libbpf;

import java.util.OptionalLong;

/**
 * Makes the kernel assign a socket cookie to a socket that another process holds: a copy of its
 * descriptor ({@code pidfd_getfd}, Linux 5.6, needs ptrace access: root) and
 * {@code getsockopt(SO_COOKIE)}, which creates the cookie if the socket had none. BPF iterators can
 * read a cookie but not create one.
 */
public final class SocketCookies {
    private static final long SYS_PIDFD_OPEN = 434;   // x86_64 and the generic table alike
    private static final long SYS_PIDFD_GETFD = 438;
    private static final int SOL_SOCKET = 1;
    private static final int SO_COOKIE = 57;

    private SocketCookies() {
    }

    /** The cookie of descriptor {@code fd} of process {@code pid}; empty if either is gone or not a socket. */
    public static OptionalLong cookieOf(int pid, int fd) {
        int pidfd = (int) Native.LIBC.syscall(SYS_PIDFD_OPEN, pid, 0, 0);
        if (pidfd < 0) {
            return OptionalLong.empty();
        }
        try {
            int copy = (int) Native.LIBC.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0);
            if (copy < 0) {
                return OptionalLong.empty();
            }
            try {
                byte[] value = new byte[Long.BYTES];
                int[] len = {Long.BYTES};
                if (Native.LIBC.getsockopt(copy, SOL_SOCKET, SO_COOKIE, value, len) != 0 || len[0] != Long.BYTES) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(LittleEndian.getU64(value, 0));
            } finally {
                Native.LIBC.close(copy);
            }
        } finally {
            Native.LIBC.close(pidfd);
        }
    }
}
