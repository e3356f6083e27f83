package org.flowmond.ipfix.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Logs a recurring problem at most once a minute, saying how many were not logged in between:
 * a dead collector must be visible without flooding the log.
 */
public final class RateLimitedLog {
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    /** When the next report may be logged; callers before then only count (no lock). */
    private volatile long nextLogNanos = System.nanoTime();
    private final LongAdder suppressed = new LongAdder();

    public RateLimitedLog(Logger log) {
        this.log = log;
    }

    public void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        if (now - nextLogNanos < 0) {
            suppressed.increment();
            return;
        }
        synchronized (this) {
            if (now - nextLogNanos < 0) {
                suppressed.increment();
                return;
            }
            nextLogNanos = now + INTERVAL_NANOS;
        }
        String detail = cause == null ? "" : ": " + cause;
        long skipped = suppressed.sumThenReset();
        if (skipped > 0) {
            log.warn("{}{} ({} more since the last report)", message, detail, skipped);
        } else {
            log.warn("{}{}", message, detail);
        }
    }
}
