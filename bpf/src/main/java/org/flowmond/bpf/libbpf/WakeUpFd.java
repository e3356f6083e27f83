package org.flowmond.bpf.libbpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An eventfd in a ring buffer's epoll set, so another thread can end a {@code ring_buffer__poll}
 * at once instead of after its timeout (drain, close).
 *
 * <p>It is registered edge-triggered ({@code EPOLLET}): each {@link #signal()} is one event for
 * {@code epoll_wait}, whether or not an earlier one was taken, so nobody has to read the counter
 * back (a level-triggered fd that was never read would end every later poll at once). libbpf takes
 * an epoll event's {@code data} as the index of the ring to read; this fd is registered with index
 * 0, so a wake-up reads ring 0 as well, which does no harm.
 */
final class WakeUpFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 0x1;
    private static final int EPOLLET = 1 << 31;
    /** {@code struct epoll_event} is packed (12 bytes) on x86-64, naturally aligned (16) elsewhere. */
    private static final int DATA_OFFSET = "amd64".equals(System.getProperty("os.arch")) ? 4 : 8;
    private static final byte[] ONE = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();

    private final int fd;

    private WakeUpFd(int fd) {
        this.fd = fd;
    }

    /** A new eventfd added to {@code epollFd}'s set, reported there as ring index {@code 0}. */
    static WakeUpFd addTo(int epollFd, String description) {
        int fd = Native.LIBC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) {
            throw new LibBpfException("eventfd", description, Native.errno());
        }
        byte[] event = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(0, EPOLLIN | EPOLLET)
                .putLong(DATA_OFFSET, 0).array();
        if (Native.LIBC.epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, event) < 0) {
            int errno = Native.errno();
            Native.LIBC.close(fd);
            throw new LibBpfException("epoll_ctl", description, errno);
        }
        return new WakeUpFd(fd);
    }

    /** Ends the current (or the next) {@code epoll_wait} on the set; callable from any thread. */
    void signal() {
        Native.LIBC.write(fd, ONE, ONE.length); // EAGAIN only at a counter near 2^64: already signalled
    }

    @Override
    public void close() {
        Native.LIBC.close(fd);
    }
}
