package org.flowmond.bpf.libbpf;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.Pointer;

/**
 * An attachment of a program (tracepoint, kprobe, iterator ...). {@link #close()} detaches it
 * ({@code bpf_link__destroy}); closing twice is harmless, and the owning object closes it too.
 */
public final class BpfLink implements AutoCloseable {
    private static final int READ_CHUNK = 64 * 1024;

    private final BpfObject owner;
    private final Pointer link;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    BpfLink(BpfObject owner, Pointer link, String description) {
        this.owner = owner;
        this.link = link;
        this.description = description;
    }

    public int fd() {
        requireOpen();
        return Checked.rc(Native.LIBBPF.bpf_link__fd(link), "bpf_link__fd", description);
    }

    /** A new file descriptor that runs the iterator program when read; the caller closes it. */
    public int createIterFd() {
        return Checked.rc(Native.LIBBPF.bpf_iter_create(fd()), "bpf_iter_create", description);
    }

    /** Runs the iterator once and returns everything it wrote ({@code bpf_seq_write}/{@code bpf_seq_printf}). */
    public byte[] readIter() {
        int fd = createIterFd();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[READ_CHUNK];
            while (true) {
                long n = Native.LIBC.read(fd, buf, buf.length);
                if (n < 0) {
                    int errno = Native.errno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new LibBpfException("read", "iterator " + description, errno);
                }
                if (n == 0) {
                    return out.toByteArray();
                }
                out.write(buf, 0, (int) n);
            }
        } finally {
            Native.LIBC.close(fd);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        owner.removeDependent(this);
        Checked.rc(Native.LIBBPF.bpf_link__destroy(link), "bpf_link__destroy", description);
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + "]";
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
