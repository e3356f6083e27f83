package org.flowmond.daemon.pipeline;

/**
 * Whether the flow thread's periodic task builds the statistics for the export's options records
 * now. Building them reads the kernel's counters: about 25 {@code bpf} map look-ups (TC, syscall
 * probes, socket ownership), most of an idle flow cycle's system calls, and a snapshot's worth of
 * objects. They are built when
 * <ul>
 * <li>{@code stats.interval} passed since the last time: the exporter sends one options record per
 *     interval, so each carries counters at most one interval old, drops that only the kernel saw
 *     included; or</li>
 * <li>the daemon's own counters (flows, socket events, records exported, drops counted in Java:
 *     given as the sum of the cumulative ones and the active-flow gauges) moved since the last time: while the daemon works, the records stay as fresh
 *     as the caller's cadence (a second), as when they were built every cycle.</li>
 * </ul>
 * An idle daemon thus reads the kernel's counters once per interval instead of once a second.
 * Nothing is lost or counted twice by reading less often: the kernel's counters are cumulative,
 * each reading gives the totals so far. Not thread-safe: the flow thread's alone.
 */
final class StatisticsFeed {
    private long lastCounted;
    private long lastLevels;
    private long lastBuilt;
    private boolean built;

    /**
     * @param now           {@link System#nanoTime()}
     * @param intervalNanos {@code stats.interval}
     * @param counted       the sum of the daemon's cumulative counters now (none decreases: an
     *                      unchanged sum means none moved)
     * @param levels        its gauges now (active flows), compared as they are
     * @return true when the statistics should be built now; the caller then builds them
     */
    boolean due(long now, long intervalNanos, long counted, long levels) {
        if (built && now - lastBuilt < intervalNanos && counted == lastCounted && levels == lastLevels) {
            return false;
        }
        built = true;
        lastBuilt = now;
        lastCounted = counted;
        lastLevels = levels;
        return true;
    }
}
