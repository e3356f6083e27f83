package org.flowmond.bpf.api;

/** Which kernel hooks the syscall probes use; {@link #AUTO} picks the cheapest that attaches. */
public enum HookVariant {
    AUTO,
    FENTRY,
    KPROBE,
    /**
     * Socket-level hooks, no syscall traced: the raw tracepoint inet_sock_set_state (handshake ends)
     * over the owners that {@code org.flowmond.bpf.owner.SocketOwnership}'s cgroup hooks record (as
     * those: Linux 5.9+).
     * Connects are reported when the handshake ends, with their outcome, failures included. Needs a
     * SocketOwnership in the options; AUTO skips it without one.
     */
    SOCKET,
    /** BTF-typed raw tracepoints (tp_btf, Linux 5.5+): no perf events, typed arguments. */
    RAW_TRACEPOINT,
    /** Classic tracepoints through perf events: the oldest kernels. */
    TRACEPOINT
}
