package org.flowmond.daemon.pipeline;

import java.util.function.Predicate;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.kafka.KafkaOutput;

/** Opens what the pipeline connects: the kernel's socket ownership, the two kernel sources and the network outputs. */
public interface Sources {

    /** Opened once, before the first {@link #openTc}, which stamps its owners into flow entries. */
    OwnershipSource openOwnership(Settings settings) throws Exception;

    /** Its events' times are CLOCK_MONOTONIC nanoseconds, the flow table's clock ({@code flow.NanoClock}). */
    SocketEventSource openSyscall(Settings settings) throws Exception;

    /**
     * Its flows' times are CLOCK_MONOTONIC nanoseconds, the flow table's clock ({@code flow.NanoClock});
     * {@code overflow} takes the overflow records (on the source's reader thread) and returns false for one it dropped.
     */
    UniFlowSource openTc(Settings settings, Predicate<UniFlow> overflow) throws Exception;

    /** The IPFIX output (collectors and the optional IPFIX file), or null when it has nothing to send to. */
    ExportOutput openExport(Settings settings) throws Exception;

    /** The Kafka output, or null when {@code outputs.kafka} names no broker. */
    default ExportOutput openKafka(Settings settings) {
        return KafkaOutput.open(settings);
    }

}
