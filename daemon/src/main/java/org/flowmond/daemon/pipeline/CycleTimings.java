package org.flowmond.daemon.pipeline;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the parts of the last flow cycle took, and the longest so far: the read of the TC map,
 * the merge of that scan into the flow table, the expiry pass (which exports), and the final flush
 * at shutdown. Written by the
 * flow thread, read by {@link Pipeline#statistics()} on any thread. These are measurements for
 * operators and benchmarks (a 1,000,000-entry map takes seconds), not inputs to any decision.
 */
final class CycleTimings {
    private final AtomicLong scanNanos = new AtomicLong();
    private final AtomicLong scanNanosMax = new AtomicLong();
    private final AtomicLong scanEntries = new AtomicLong();
    private final AtomicLong updateNanos = new AtomicLong();
    private final AtomicLong updateNanosMax = new AtomicLong();
    private final AtomicLong expireNanos = new AtomicLong();
    private final AtomicLong expireNanosMax = new AtomicLong();
    private final AtomicLong finalFlushNanos = new AtomicLong();

    void scanned(long nanos, int entries) {
        record(scanNanos, scanNanosMax, nanos);
        scanEntries.set(entries);
    }

    void updated(long nanos) {
        record(updateNanos, updateNanosMax, nanos);
    }

    void expired(long nanos) {
        record(expireNanos, expireNanosMax, nanos);
    }

    /** The shutdown's export of every active flow (read and delete from the kernel, hand to the outputs). */
    void finalFlush(long nanos) {
        finalFlushNanos.set(nanos);
    }

    /** Adds the timings in milliseconds (last and max) and the entries of the last scan to {@code m}. */
    void putInto(Map<String, Long> m) {
        m.put("pipeline.scan-entries", scanEntries.get());
        m.put("pipeline.scan-millis", millis(scanNanos));
        m.put("pipeline.scan-millis-max", millis(scanNanosMax));
        m.put("pipeline.table-update-millis", millis(updateNanos));
        m.put("pipeline.table-update-millis-max", millis(updateNanosMax));
        m.put("pipeline.expire-millis", millis(expireNanos));
        m.put("pipeline.expire-millis-max", millis(expireNanosMax));
        m.put("pipeline.final-flush-millis", millis(finalFlushNanos));
    }

    private static void record(AtomicLong last, AtomicLong max, long nanos) {
        last.set(nanos);
        max.accumulateAndGet(nanos, Math::max);
    }

    private static long millis(AtomicLong nanos) {
        return nanos.get() / 1_000_000;
    }
}
