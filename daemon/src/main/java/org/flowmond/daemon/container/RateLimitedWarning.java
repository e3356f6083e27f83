package org.flowmond.daemon.container;

import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A warning that may repeat often (a walk of the cgroup tree fails every time it is due while
 * the mount is broken): the first is logged, later ones at most once per interval, saying how
 * many were not logged in between. Every occurrence is counted by the caller as a statistic.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final long intervalNanos;
    private long lastLoggedAt;
    private long suppressed;

    /** {@code neverLoggedAt}: a time at least one interval before the first {@link #note}. */
    RateLimitedWarning(Logger log, long intervalNanos, long neverLoggedAt) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.lastLoggedAt = neverLoggedAt;
    }

    /** Logs {@code message} unless one was logged less than an interval before {@code now}. */
    void note(long now, Supplier<String> message) {
        if (now - lastLoggedAt < intervalNanos) {
            suppressed++;
            return;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " more since the last such warning)";
        log.warn("{}{}", message.get(), more);
        lastLoggedAt = now;
        suppressed = 0;
    }
}
