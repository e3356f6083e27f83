package org.flowmond.daemon.flow;

/**
 * Turns the flow table's CLOCK_MONOTONIC nanoseconds ({@link NanoClock}) into wall-clock
 * nanoseconds since the epoch. The one place the wall clock meets the table: applied when a record
 * for the outputs is made, to every time in it, so deadlines never see the wall clock and a
 * record's times follow the wall clock as it is at the record's export. The daemon's is
 * {@link org.flowmond.bpf.api.KernelClock}'s offset, re-sampled once a minute.
 */
@FunctionalInterface
public interface WallClock {

    long toEpochNanos(long monotonicNanos);

    /** The same calls with their first and last on the wall clock (count and MTBS unchanged). */
    default SyscallStats toEpoch(SyscallStats s) {
        return new SyscallStats(s.count(), toEpochNanos(s.firstNanos()), toEpochNanos(s.lastNanos()));
    }

    /** The same owner with its syscall flow's times on the wall clock; null stays null. */
    default Attribution toEpoch(Attribution a) {
        return a == null || a.syscall() == null ? a : a.withSyscall(toEpoch(a.syscall()));
    }
}
