package org.flowmond.ipfix;

/** Which syscall probes the daemon runs (flowmond element probeVariant). */
public enum ProbeVariant {
    /** No syscall probes (not started, or detached). */
    NONE(0),
    FENTRY(1),
    KPROBE(2),
    TRACEPOINT(3),
    /** BTF raw tracepoints (tp_btf). */
    RAW_TRACEPOINT(4),
    /** Socket-level hooks (cgroup socket programs and socket tracepoints): no syscall traced. */
    SOCKET(5);

    private final int code;

    ProbeVariant(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
