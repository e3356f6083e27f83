package org.flowmond.daemon.output;

import java.util.Map;
import org.flowmond.daemon.flow.FlowSink;

/** An output with counters of its own that must be closed (flushed) at shutdown: the IPFIX exporter. */
public interface ExportOutput extends FlowSink, AutoCloseable {

    /** Its counters by statistics name (e.g. {@code dropped.send-queue}). */
    Map<String, Long> counters();

    /** Hands the daemon's statistics to the output (every {@code stats.interval}), e.g. for IPFIX options records. */
    void exportStatistics(Map<String, Long> statistics);

    /** Sends what is queued and closes, within a few seconds. */
    @Override
    void close();
}
