package org.flowmond.daemon.stats;

import org.flowmond.bpf.api.HookVariant;

/** The syscall probes' counters and the hook variant attached. */
public record SyscallCounters(long ringBufferFull, long stashFull, long undecodable, long kernelFiltered,
                              long delivered, long consumerFailures, long noOwner, long recursionMisses,
                              HookVariant variant) {
}
