package org.flowmond.daemon.flow;

import java.util.function.Consumer;
import org.flowmond.bpf.api.UniFlow;

/**
 * One read of the kernel's TC flow map being merged into the flow table as the map is read, a
 * batch of up to 256 entries at a time (about the kernel's chunk), so no scan is ever held whole ({@link FlowTable#beginScan(long)}). Closing it ends the
 * scan: decisions, deadlines and capacity eviction come once every entry is in, also when the read
 * failed half-way (the entries merged so far are flows like any other). The table keeps one and
 * opens it for each scan, so a scan allocates no buffer. Flow thread only.
 */
public final class ScanMerge implements Consumer<UniFlow>, AutoCloseable {
    private final BiflowTable biflows;
    private final BiflowTable.Exporter out;
    /** Entries handed over and not merged yet: merged a batch at a time ({@link BiflowTable#mergeReadings}). */
    private final UniFlow[] pending = new UniFlow[BiflowTable.BATCH];
    private int pendingCount;
    private boolean closed = true;

    ScanMerge(BiflowTable biflows, BiflowTable.Exporter out) {
        this.biflows = biflows;
        this.out = out;
    }

    /** Opens the next scan on this merge; the previous one must have been closed. */
    ScanMerge open() {
        if (!closed) {
            throw new IllegalStateException("the previous scan is still being merged");
        }
        closed = false;
        return this;
    }

    /** One entry of the map, with its cumulative counters and the owners stamped on it. */
    @Override
    public void accept(UniFlow entry) {
        if (closed) {
            throw new IllegalStateException("this scan was merged and closed");
        }
        pending[pendingCount++] = entry;
        if (pendingCount == pending.length) {
            mergePending();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            mergePending();
            biflows.endScan(out);
        }
    }

    private void mergePending() {
        biflows.mergeReadings(pending, pendingCount);
        java.util.Arrays.fill(pending, 0, pendingCount, null);
        pendingCount = 0;
    }
}
