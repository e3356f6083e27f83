package org.flowmond.ipfix.transport;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many octets of a TCP connection the peer's TCP has acknowledged: {@code tcpi_bytes_acked}
 * of Linux's {@code struct tcp_info} (kernel 4.1+; counts the SYN as one octet). A message is
 * known to have reached the collector's host once every octet of it is acknowledged; what is
 * not acknowledged when the connection ends is sent again on the next one.
 *
 * <p>The JDK keeps a socket's file descriptor to itself: reading it needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (the daemon's jar manifest has it). Without
 * it {@link #available()} is false and a message counts as delivered once the kernel took it.
 */
public final class TcpInfo {
    private static final Logger LOG = LoggerFactory.getLogger(TcpInfo.class);
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** Offset of {@code __u64 tcpi_bytes_acked} in {@code struct tcp_info} (include/uapi/linux/tcp.h). */
    private static final int BYTES_ACKED_OFFSET = 120;
    private static final int INFO_LENGTH = 136;

    /** The C library calls used here. */
    public interface LibC {
        // C: int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
        int getsockopt(int fd, int level, int option, Pointer value, IntByReference length);
    }

    private static final LibC LIBC;
    private static final Method FD_VAL;

    static {
        LibC libc = null;
        Method fdVal = null;
        try {
            libc = LibraryLoader.create(LibC.class).load("c");
            fdVal = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredMethod("getFDVal");
            fdVal.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("TCP acknowledgements not readable ({}): a TCP/TLS message counts as delivered once the "
                    + "kernel took it (run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED)", e.toString());
            fdVal = null;
        }
        LIBC = libc;
        FD_VAL = fdVal;
    }

    private TcpInfo() {
    }

    /** Whether acknowledged octets can be read on this JVM. */
    public static boolean available() {
        return FD_VAL != null;
    }

    /** The socket's file descriptor, or -1 if it cannot be read. */
    static int fd(SocketChannel channel) {
        if (FD_VAL == null) {
            return -1;
        }
        try {
            return (Integer) FD_VAL.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** A buffer for {@link #bytesAcked}: one per socket, used by one thread at a time. */
    static Pointer newBuffer() {
        return LIBC == null ? null : Memory.allocateDirect(Runtime.getRuntime(LIBC), INFO_LENGTH, true);
    }

    /** {@code tcpi_bytes_acked} of the socket {@code fd}, or -1 if getsockopt fails. */
    static long bytesAcked(int fd, Pointer info) {
        if (fd < 0 || info == null) {
            return -1;
        }
        IntByReference length = new IntByReference(INFO_LENGTH);
        if (LIBC.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, length) != 0
                || length.intValue() < BYTES_ACKED_OFFSET + 8) {
            return -1;
        }
        return info.getLong(BYTES_ACKED_OFFSET);
    }
}
