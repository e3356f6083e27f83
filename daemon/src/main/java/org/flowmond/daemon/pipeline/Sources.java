package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.flow.FlowSink;

/** Opens what the pipeline connects: the two kernel sources and the network exporter. */
public interface Sources {

    SocketEventSource openSyscall(Settings settings, KernelClock clock) throws Exception;

    UniFlowSource openTc(Settings settings, KernelClock clock) throws Exception;

    /** The IPFIX output (collectors and the optional IPFIX file), or null when it has nothing to send to. */
    ExportOutput openExport(Settings settings) throws Exception;

    /** An output that also has counters and must be closed (flushed) at shutdown. */
    interface ExportOutput extends FlowSink, AutoCloseable {
        java.util.Map<String, Long> counters();

        /** Sends the statistics as IPFIX options records (called every {@code stats.interval}). */
        void exportStatistics(java.util.Map<String, Long> statistics);

        @Override
        void close();
    }
}
