package org.flowmond.daemon.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.daemon.stats.CycleTimes;

/**
 * How long the parts of the last flow cycle took, and the longest so far: the read of the TC map,
 * the merge of that scan into the flow table, the expiry pass (which exports), and the final flush
 * at shutdown. Written by the
 * flow thread, read by {@link Pipeline#statistics()} on any thread. These are measurements for
 * operators and benchmarks (a 1,000,000-entry map takes seconds), not inputs to any decision.
 */
final class CycleTimings {
    private final Timing scan = new Timing();
    private final Timing update = new Timing();
    private final Timing expire = new Timing();
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

    /** The timings now (named by {@code stats.StatisticKeys}). */
    CycleTimes snapshot() {
        return new CycleTimes(scanEntries.get(), scan.last.get(), scan.max.get(), update.last.get(), update.max.get(),
                expire.last.get(), expire.max.get(), finalFlushNanos.get());
    }

    /** The last and the longest duration of one part of the cycle. */
    private static final class Timing {
        private final AtomicLong last = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        void record(long nanos) {
            last.set(nanos);
            max.accumulateAndGet(nanos, Math::max);
        }
    }
}
