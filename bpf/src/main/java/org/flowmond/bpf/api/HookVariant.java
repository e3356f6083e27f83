package org.flowmond.bpf.api;

/** Which kernel hooks the syscall probes use; {@link #AUTO} picks the cheapest that attaches. */
public enum HookVariant {
    AUTO,
    FENTRY,
    KPROBE,
    TRACEPOINT
}
