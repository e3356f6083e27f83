package org.flowmond.ipfix.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: doubling from {@code first} up to {@code cap}, each drawn uniformly from the
 * upper half of the current step, so that many exporters that lost one collector together do not
 * come back in lock step. Not thread-safe.
 */
final class Backoff {
    private final long firstNanos;
    private final long capNanos;
    private long stepNanos;

    Backoff(Duration first, Duration cap) {
        this.firstNanos = first.toNanos();
        this.capNanos = cap.toNanos();
        this.stepNanos = firstNanos;
    }

    /** The delay before the next attempt; each call doubles the step until the cap. */
    long nextDelayNanos() {
        long step = stepNanos;
        stepNanos = Math.min(capNanos, stepNanos * 2);
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** After a connection that worked: start again from the first step. */
    void reset() {
        stepNanos = firstNanos;
    }
}
