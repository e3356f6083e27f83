package org.flowmond.daemon.pipeline;

/**
 * When a growing loss count is worth a log line: at its first loss, then each time it reaches the
 * next power of two (1, 2, 4, 8 ...), so a steady loss logs a line per doubling, not per check.
 */
final class DoublingGate {
    /** The count when a line was last let through. */
    private long logged;

    /** Whether {@code total} (a cumulative count) has reached the next power of two since the last line. */
    boolean passes(long total) {
        if (total > logged && Long.highestOneBit(total) > Long.highestOneBit(logged)) {
            logged = total;
            return true;
        }
        return false;
    }
}
