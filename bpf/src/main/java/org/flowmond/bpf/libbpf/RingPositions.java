package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;

/**
 * A ring buffer's two positions, read without a system call: its first two pages mapped
 * read-only (the consumer position, then the producer position, each at the start of its page;
 * {@code struct bpf_ringbuf} in kernel/bpf/ringbuf.c, the layout libbpf maps too).
 *
 * <p>So a thread that wakes anyway (the flow thread, once a scan) can tell whether records wait
 * and wake the ring's reader only then, and the reader can block without a timer. The producer
 * position counts reserved records too, so a record still being written or discarded reads as
 * waiting: the reader then wakes and finds nothing, which is harmless.
 */
final class RingPositions implements AutoCloseable {
    private static final int PROT_READ = 0x1;
    private static final int MAP_SHARED = 0x1;
    private static final int SC_PAGESIZE = 30;
    private static final long PAGE = Native.LIBC.sysconf(SC_PAGESIZE);

    private final Pointer pages;

    private RingPositions(Pointer pages) {
        this.pages = pages;
    }

    /** Maps the positions of the ring buffer map {@code fd}. */
    static RingPositions map(int fd, String description) {
        Pointer p = Native.LIBC.mmap(null, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
        if (p == null || p.address() == -1L) {
            throw new LibBpfException("mmap of the ring positions", description, Native.errno());
        }
        return new RingPositions(p);
    }

    /** Bytes the kernel has reserved past the reader's position: 0 when the reader has taken everything. */
    long pendingBytes() {
        long consumer = pages.getLong(0);
        long producer = pages.getLong(PAGE);
        return producer - consumer;
    }

    @Override
    public void close() {
        Native.LIBC.munmap(pages, 2 * PAGE);
    }
}
