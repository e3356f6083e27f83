package org.flowmond.daemon.flow;

import java.util.OptionalLong;

/**
 * Calls of one syscall flow up to some moment, and their MTBS (mean time between consecutive
 * calls). The mean of the gaps between n consecutive calls telescopes to
 * {@code (last - first) / (n - 1)}, so first, last and n are all that is kept — and two
 * such summaries of the same key merge exactly (see {@link #merge}).
 *
 * @param count      number of calls (at least 1)
 * @param firstNanos time of the first call: CLOCK_MONOTONIC ns in the flow table, wall-clock ns since
 *                   the epoch in a record ({@link WallClock})
 * @param lastNanos  time of the last call
 */
public record SyscallStats(long count, long firstNanos, long lastNanos) {

    /** Mean time between consecutive calls in nanoseconds; empty for a single call. */
    public OptionalLong mtbsNanos() {
        return count < 2 ? OptionalLong.empty() : OptionalLong.of((lastNanos - firstNanos) / (count - 1));
    }

    /** MTBS in microseconds (what the IPFIX element carries); empty for a single call. */
    public OptionalLong mtbsMicros() {
        OptionalLong ns = mtbsNanos();
        return ns.isPresent() ? OptionalLong.of(ns.getAsLong() / 1000) : ns;
    }

    /** The summary of both sets of calls together. */
    public SyscallStats merge(SyscallStats o) {
        return new SyscallStats(count + o.count, Math.min(firstNanos, o.firstNanos), Math.max(lastNanos, o.lastNanos));
    }

    /** This summary plus one more call at {@code nanos}. */
    public SyscallStats plusCall(long nanos) {
        return merge(new SyscallStats(1, nanos, nanos));
    }
}
