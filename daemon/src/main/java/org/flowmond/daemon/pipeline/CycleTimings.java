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
    private final Timing scan = new Timing("pipeline.scan");
    private final Timing update = new Timing("pipeline.table-update");
    private final Timing expire = new Timing("pipeline.expire");
    private final AtomicLong scanEntries = new AtomicLong();
    private final AtomicLong finalFlushNanos = new AtomicLong();

    void scanned(long nanos, int entries) {
        scan.record(nanos);
        scanEntries.set(entries);
    }

    void updated(long nanos) {
        update.record(nanos);
    }

    void expired(long nanos) {
        expire.record(nanos);
    }

    /** The shutdown's export of every active flow (read and delete from the kernel, hand to the outputs). */
    void finalFlush(long nanos) {
        finalFlushNanos.set(nanos);
    }

    /** Adds the timings in milliseconds (last and max) and the entries of the last scan to {@code m}. */
    void putInto(Map<String, Long> m) {
        m.put("pipeline.scan-entries", scanEntries.get());
        scan.putInto(m);
        update.putInto(m);
        expire.putInto(m);
        m.put("pipeline.final-flush-millis", finalFlushNanos.get() / 1_000_000);
    }

    /** The last and the longest duration of one part of the cycle, as {@code <name>-millis(-max)}. */
    private static final class Timing {
        private final String name;
        private final AtomicLong last = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        Timing(String name) {
            this.name = name;
        }

        void record(long nanos) {
            last.set(nanos);
            max.accumulateAndGet(nanos, Math::max);
        }

        void putInto(Map<String, Long> m) {
            m.put(name + "-millis", last.get() / 1_000_000);
            m.put(name + "-millis-max", max.get() / 1_000_000);
        }
    }
}
