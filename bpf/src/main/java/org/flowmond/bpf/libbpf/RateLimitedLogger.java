package org.flowmond.bpf.libbpf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a recurring problem once, then at most once per interval with the number of occurrences
 * since the last line, so a failure repeated per packet or per sample cannot flood the log.
 */
public final class RateLimitedLogger {
    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLogger(Logger log, long interval, TimeUnit unit) {
        this(log, interval, unit, System::nanoTime);
    }

    /** As above, with the caller's monotonic clock in nanoseconds (a component that runs on an injected clock). */
    public RateLimitedLogger(Logger log, long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /** Logs {@code message} (and {@code error}) at WARN unless a line was logged less than an interval ago. */
    public void warn(String message, Throwable error) {
        long now = nanoClock.getAsLong();
        long allowed = nextAllowed.get();
        if ((allowed != Long.MIN_VALUE && now - allowed < 0) || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        log.warn(skipped == 0 ? message : message + " (" + skipped + " more since the last such warning)", error);
    }
}
