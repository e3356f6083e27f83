package org.flowmond.bpf.libbpf;

/**
 * A libbpf (or bpf syscall) call failed. Carries the positive errno, the libbpf call and the object
 * it was made on, e.g. {@code bpf_tc_attach(tc_egress, ifindex=3): EEXIST (File exists)}.
 */
public final class LibBpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;
    private final String object;

    public LibBpfException(String call, String object, int errno) {
        this(call, object, errno, null);
    }

    public LibBpfException(String call, String object, int errno, String detail) {
        super(call + "(" + object + "): " + Errno.describe(errno) + (detail == null ? "" : "; " + detail));
        this.errno = errno;
        this.call = call;
        this.object = object;
    }

    /** The positive errno, e.g. 17 for EEXIST. */
    public int errno() {
        return errno;
    }

    /** The libbpf function that failed, e.g. {@code bpf_tc_attach}. */
    public String call() {
        return call;
    }

    /** What the call was made on, e.g. {@code tc_egress, ifindex=3}. */
    public String object() {
        return object;
    }
}
