package org.flowmond.daemon.pipeline;

import org.flowmond.daemon.stats.SyscallCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect/accept events the kernel side lost (ring buffer full, stash full, no owner, a probe
 * skipped because it was already running on that CPU): logged at 1, 2, 4, 8 ... losses, with the
 * counters that say why.
 */
final class SyscallLossWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallLossWarnings.class);

    private final DoublingGate gate = new DoublingGate();

    /** With the probes' counters the caller just read; null when no probes are attached. */
    void check(SyscallCounters c) {
        if (c == null) {
            return;
        }
        long lost = c.ringBufferFull() + c.stashFull() + c.undecodable() + c.noOwner() + c.recursionMisses();
        if (gate.passes(lost)) {
            LOG.warn("syscall probes: {} connect/accept events lost so far (dropped.ring-buffer={}, "
                    + "dropped.syscall-stash-full={}, dropped.syscall-undecodable={}, dropped.syscall-no-owner={}, "
                    + "dropped.syscall-recursion={})", lost, c.ringBufferFull(), c.stashFull(), c.undecodable(),
                    c.noOwner(), c.recursionMisses());
        }
    }
}
