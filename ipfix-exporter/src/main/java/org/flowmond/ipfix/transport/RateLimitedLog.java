package org.flowmond.ipfix.transport;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs a recurring problem at most once a minute, saying how many were not logged in between:
 * a dead collector must be visible without flooding the log.
 */
public final class RateLimitedLog {
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private long lastLogNanos;
    private boolean loggedOnce;
    private long suppressed;

    public RateLimitedLog(Logger log) {
        this.log = log;
    }

    public synchronized void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        if (loggedOnce && now - lastLogNanos < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        String detail = cause == null ? "" : ": " + cause;
        if (suppressed > 0) {
            log.warn("{}{} ({} more since the last report)", message, detail, suppressed);
        } else {
            log.warn("{}{}", message, detail);
        }
        loggedOnce = true;
        lastLogNanos = now;
        suppressed = 0;
    }
}
