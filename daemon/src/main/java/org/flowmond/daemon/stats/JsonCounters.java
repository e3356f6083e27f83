package org.flowmond.daemon.stats;

/** The JSON lines file output's counters. */
public record JsonCounters(long recordsWritten, long writeFailures, long partialLines) {
}
