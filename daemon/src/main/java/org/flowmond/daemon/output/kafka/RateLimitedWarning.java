package org.flowmond.daemon.output.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One warning line at most once a minute for a recurring problem; the counters carry the rest. */
final class RateLimitedWarning {
    private static final long EVERY_NANOS = 60_000_000_000L;

    private final Logger log;
    private long last = System.nanoTime() - EVERY_NANOS;

    RateLimitedWarning(Class<?> owner) {
        this.log = LoggerFactory.getLogger(owner);
    }

    synchronized void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (now - last >= EVERY_NANOS) {
            last = now;
            log.warn(format, args);
        }
    }
}
