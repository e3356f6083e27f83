package org.flowmond.daemon.flow;

import java.util.function.Consumer;
import org.flowmond.bpf.api.UniFlow;

/**
 * One read of the kernel's TC flow map being merged into the flow table, entry by entry as the
 * map is read, so no scan is ever held whole ({@link FlowTable#beginScan()}). Closing it ends the
 * scan: decisions, deadlines and capacity eviction come once every entry is in, also when the read
 * failed half-way (the entries merged so far are flows like any other). Flow thread only.
 */
public final class ScanMerge implements Consumer<UniFlow>, AutoCloseable {
    private final BiflowTable biflows;
    private final BiflowTable.Exporter out;
    private boolean closed;

    ScanMerge(BiflowTable biflows, BiflowTable.Exporter out) {
        this.biflows = biflows;
        this.out = out;
    }

    /** One entry of the map, with its cumulative counters and the owners stamped on it. */
    @Override
    public void accept(UniFlow entry) {
        if (closed) {
            throw new IllegalStateException("this scan was merged and closed");
        }
        biflows.mergeReading(entry);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            biflows.endScan(out);
        }
    }
}
