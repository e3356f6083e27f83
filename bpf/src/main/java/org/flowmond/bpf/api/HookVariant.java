package org.flowmond.bpf.api;

/** Which kernel hooks the syscall probes use; {@link #AUTO} picks the cheapest that attaches. */
public enum HookVariant {
    AUTO,
    FENTRY,
    KPROBE,
    /** BTF-typed raw tracepoints (tp_btf, Linux 5.5+): no perf events, typed arguments. */
    RAW_TRACEPOINT,
    /** Classic tracepoints through perf events: the oldest kernels. */
    TRACEPOINT
}
