package org.flowmond.daemon.pipeline;

import java.util.function.Consumer;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.flow.FlowTable;
import org.flowmond.daemon.flow.ScanMerge;

/**
 * One scan's merge into the flow table, begun at once when the table holds biflows and otherwise
 * with the map's first entry. An idle daemon reads an empty map into an empty table every
 * {@code tc-scan-interval}: that merges nothing and decides nothing, so no merge is begun (no
 * end-of-scan pass). A table with flows always gets the whole merge, also from an empty map: its
 * flows' decisions and capacity come at the scan's end. The flow loop keeps one and
 * {@link #begin()}s it for each scan, so a scan allocates nothing here. Flow thread only.
 */
final class ScanOnDemand implements Consumer<UniFlow>, AutoCloseable {
    private final FlowTable table;
    private ScanMerge merge;
    /** The kernel's inserts since the last scan, for the merge begun with the first entry. */
    private long newEntriesAtMost;

    ScanOnDemand(FlowTable table) {
        this.table = table;
    }

    /**
     * Starts the next scan (the previous one closed); returns this, to be closed when the map was
     * read. {@code newEntriesAtMost}: entries the kernel inserted since the last scan (see
     * {@link FlowTable#beginScan(long)}).
     */
    ScanOnDemand begin(long newEntriesAtMost) {
        if (merge != null) {
            throw new IllegalStateException("the previous scan is still being merged");
        }
        this.newEntriesAtMost = newEntriesAtMost;
        if (table.activeBiflows() > 0) {
            merge = table.beginScan(newEntriesAtMost);
        }
        return this;
    }

    @Override
    public void accept(UniFlow entry) {
        if (merge == null) {
            merge = table.beginScan(newEntriesAtMost);
        }
        merge.accept(entry);
    }

    /** Whether a merge was begun for the current scan (tests). */
    boolean begun() {
        return merge != null;
    }

    /** Ends the merge, if one was begun: see {@link ScanMerge#close()}. */
    @Override
    public void close() {
        ScanMerge m = merge;
        merge = null;
        if (m != null) {
            m.close();
        }
    }
}
