package org.flowmond.ipfix.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Reconnect delays: doubling from {@code first} up to {@code cap}, each drawn uniformly from the
 * upper half of the current step, so that many exporters that lost one collector together do not
 * come back in lock step. Not thread-safe.
 */
final class Backoff {
    private final long firstNanos;
    private final long capNanos;
    /** Given n, a value drawn from 0..n inclusive. */
    private final LongUnaryOperator draw;
    private long stepNanos;

    Backoff(Duration first, Duration cap) {
        this(first, cap, n -> ThreadLocalRandom.current().nextLong(n + 1));
    }

    /** With the random draw given (tests pin it to its ends). */
    Backoff(Duration first, Duration cap, LongUnaryOperator draw) {
        this.firstNanos = first.toNanos();
        this.capNanos = cap.toNanos();
        this.draw = draw;
        this.stepNanos = firstNanos;
    }

    /** The delay before the next attempt; each call doubles the step until the cap. */
    long nextDelayNanos() {
        long step = stepNanos;
        stepNanos = Math.min(capNanos, stepNanos * 2);
        return step / 2 + draw.applyAsLong(step / 2);
    }

    /** After a connection that worked: start again from the first step. */
    void reset() {
        stepNanos = firstNanos;
    }
}
