package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.KernelClock;

/**
 * The flow table's time: CLOCK_MONOTONIC nanoseconds, the scale of the kernel timestamps in
 * {@link org.flowmond.bpf.api.FlowCounters}, {@link org.flowmond.bpf.api.TcpCounters} and
 * {@link org.flowmond.bpf.api.SocketEvent} as the daemon decodes them
 * ({@link KernelClock#monotonic()}). Every stored time and every deadline is on it, so a step of
 * the wall clock moves none; the wall clock is applied once, to the records ({@link WallClock}).
 * Injected everywhere time matters so that tests drive expiry by hand.
 */
@FunctionalInterface
public interface NanoClock {

    long nowNanos();

    /** The real monotonic clock (System.nanoTime reads CLOCK_MONOTONIC on Linux: see KernelClock). */
    static NanoClock system() {
        return KernelClock::monotonicNow;
    }
}
