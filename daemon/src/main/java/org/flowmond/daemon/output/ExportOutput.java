package org.flowmond.daemon.output;

import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.stats.OutputCounters;
import org.flowmond.daemon.stats.StatisticsSnapshot;

/** An output with counters of its own that must be closed (flushed) at shutdown: the IPFIX exporter. */
public interface ExportOutput extends FlowSink, AutoCloseable {

    /** Its counters (named only by {@code stats.StatisticKeys}). */
    OutputCounters counters();

    /** Hands the daemon's statistics to the output (every {@code stats.interval}), e.g. for IPFIX options records. */
    void exportStatistics(StatisticsSnapshot statistics);

    /** Sends what is queued and closes, within a few seconds. */
    @Override
    void close();
}
