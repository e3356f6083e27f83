package org.flowmond.daemon.stats;

/**
 * Durations of the flow cycle's parts in nanoseconds: the last one and the longest so far, the
 * entries of the last TC map scan, and the shutdown's final flush.
 */
public record CycleTimes(long scanEntries, long scanNanos, long scanMaxNanos, long updateNanos, long updateMaxNanos,
                         long expireNanos, long expireMaxNanos, long finalFlushNanos) {
}
