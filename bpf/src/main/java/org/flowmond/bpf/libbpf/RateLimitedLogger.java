package org.flowmond.bpf.libbpf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

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
        long skipped = takeTurn();
        if (skipped >= 0) {
            log.warn(withSkipped(message, skipped), error);
        }
    }

    /**
     * As {@link #warn(String, Throwable)}, the message made from an SLF4J {@code format} and two
     * arguments only when it is logged (a problem repeated per record costs no string).
     */
    public void warn(String format, Object arg1, Object arg2) {
        long skipped = takeTurn();
        if (skipped >= 0) {
            log.warn(withSkipped(MessageFormatter.format(format, arg1, arg2).getMessage(), skipped));
        }
    }

    /** The number of warnings suppressed since the last line if this one is logged, else -1 (counted as suppressed). */
    private long takeTurn() {
        long now = nanoClock.getAsLong();
        long allowed = nextAllowed.get();
        if ((allowed != Long.MIN_VALUE && now - allowed < 0) || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }

    private static String withSkipped(String message, long skipped) {
        return skipped == 0 ? message : message + " (" + skipped + " more since the last such warning)";
    }
}
