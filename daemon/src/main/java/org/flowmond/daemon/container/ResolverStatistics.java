package org.flowmond.daemon.container;

import java.util.Map;

/**
 * Counters of a {@link ContainerResolver} since it started.
 *
 * @param hits           lookups answered from the cache
 * @param misses         lookups the cache could not answer (each then tried /proc/PID/cgroup, the last walk, a new walk)
 * @param evictions      entries dropped from the full cache (least recently used first)
 * @param scans          walks of the cgroup tree
 * @param truncatedScans walks that stopped at the entry limit (cgroups past it cannot be resolved)
 * @param failedScans    walks that failed on an I/O error (the first logged, then at most one warning a minute);
 *                       the last good walk stays in use
 * @param unresolved     misses that found no path: the cgroup was gone, or newer than the last walk
 *                       while a new walk was not yet due
 * @param cached         entries in the cache now
 */
public record ResolverStatistics(long hits, long misses, long evictions, long scans, long truncatedScans,
                                 long failedScans, long unresolved, int cached) {

    /** The keys under which the daemon's statistics carry these counters (metrics.StatisticNames maps them). */
    public static final String PREFIX = "containers.";

    /** Puts every counter into the daemon's statistics map. */
    public void putInto(Map<String, Long> m) {
        m.put(PREFIX + "cache-hits", hits);
        m.put(PREFIX + "cache-misses", misses);
        m.put(PREFIX + "cache-evictions", evictions);
        m.put(PREFIX + "cache-entries", (long) cached);
        m.put(PREFIX + "cgroup-walks", scans);
        m.put(PREFIX + "cgroup-walks-truncated", truncatedScans);
        m.put(PREFIX + "cgroup-walks-failed", failedScans);
        m.put(PREFIX + "unresolved", unresolved);
    }
}
