package org.flowmond.daemon.container;

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
}
