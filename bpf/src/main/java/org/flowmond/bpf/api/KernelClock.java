package org.flowmond.bpf.api;

import java.time.Instant;

/**
 * The scale of the kernel timestamps ({@code bpf_ktime_get_ns()}, i.e. CLOCK_MONOTONIC) that the
 * codecs decode: converted to wall-clock nanoseconds since the epoch ({@link #KernelClock()}), or
 * left as they are ({@link #monotonic()}) for a consumer that keeps its own time on
 * CLOCK_MONOTONIC and meets the wall clock only at its outputs (the daemon), so that a step of
 * the wall clock never moves its deadlines.
 *
 * <p>How, exactly: on Linux, HotSpot's {@link System#nanoTime()} reads the same
 * CLOCK_MONOTONIC that {@code bpf_ktime_get_ns()} reads, so the two share an origin. The
 * offset to CLOCK_REALTIME is sampled as (realtime − monotonic) from pairs of reads taken
 * back to back; of several pairs the one whose monotonic reads bracket the realtime read most
 * tightly wins, which bounds the error by that bracket (typically well under a microsecond).
 * The offset is re-sampled by {@link #resync()} so that NTP steps of the wall clock are
 * followed; monotonic time itself never jumps.
 */
public final class KernelClock {
    private static final int SAMPLES = 16;
    /** False for {@link #monotonic()}: the offset stays 0. */
    private final boolean toWallClock;
    private volatile long offsetNanos;

    /** A clock that converts kernel times to the wall clock (offset sampled now). */
    public KernelClock() {
        this(true);
    }

    private KernelClock(boolean toWallClock) {
        this.toWallClock = toWallClock;
        resync();
    }

    /**
     * A clock that leaves kernel times as they are: {@link #toEpochNanos} is the identity and
     * {@link #resync()} does nothing, so decoded times stay CLOCK_MONOTONIC nanoseconds, comparable
     * with {@link #monotonicNow()}.
     */
    public static KernelClock monotonic() {
        return new KernelClock(false);
    }

    /** Re-measures the monotonic → wall-clock offset (call it periodically, e.g. once a minute). */
    public void resync() {
        if (!toWallClock) {
            return;
        }
        long best = Long.MAX_VALUE;
        long bestOffset = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long before = System.nanoTime();
            Instant now = Instant.now();
            long after = System.nanoTime();
            long gap = after - before;
            if (gap < best) {
                best = gap;
                long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                bestOffset = wall - (before + gap / 2);
            }
        }
        offsetNanos = bestOffset;
    }

    /**
     * @return wall-clock nanoseconds since the epoch for a {@code bpf_ktime_get_ns()} value; the
     *         value itself for a {@link #monotonic()} clock
     */
    public long toEpochNanos(long monotonicNanos) {
        return monotonicNanos + offsetNanos;
    }

    /** @return the current CLOCK_MONOTONIC reading, comparable with kernel timestamps */
    public static long monotonicNow() {
        return System.nanoTime();
    }
}
