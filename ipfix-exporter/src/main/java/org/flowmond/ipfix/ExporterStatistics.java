package org.flowmond.ipfix;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the exporter's counters, for the daemon's metrics. Every record given to
 * {@link IpfixExporter#export} is counted once as queued ({@code recordsQueued}),
 * {@code recordsDroppedQueueFull} or {@code recordsDroppedClosed}; a queued one then ends in
 * {@code recordsSkippedEmpty}, {@code recordsFailed} or {@code flowRecordsEncoded} (a flow may
 * make two uniflow records), or, if it raced with {@link IpfixExporter#close()}, is counted again
 * in {@code recordsDroppedClosed}.
 *
 * @param recordsQueued           records accepted into the send queue
 * @param recordsDroppedQueueFull records dropped because the queue was full
 * @param recordsDroppedClosed    records given after {@link IpfixExporter#close()} began, or left in the queue then
 * @param recordsSkippedEmpty     flows with zero packets and zero octets both ways (never exported)
 * @param recordsFailed           records that could not be encoded (logged)
 * @param notSentFlowRecords      flow data records lost by the three drops above (a uniflow pair counts two):
 *                                what every collector's notSentFlowTotalCount starts from
 * @param flowRecordsEncoded      flow data records put into messages
 * @param messagesEncoded         messages of flow records built (each goes to every destination)
 * @param ignoredPacketTotal      the last value given to {@link IpfixExporter#updateIgnoredPacketTotal}
 * @param collectors              one entry per collector, in settings order
 * @param file                    the IPFIX file, if configured
 * @param sinks                   one entry per message sink, in the order given to start
 */
public record ExporterStatistics(long recordsQueued, long recordsDroppedQueueFull, long recordsDroppedClosed,
                                 long recordsSkippedEmpty, long recordsFailed, long notSentFlowRecords,
                                 long flowRecordsEncoded,
                                 long messagesEncoded, long ignoredPacketTotal, List<CollectorStatistics> collectors,
                                 Optional<CollectorStatistics> file, List<CollectorStatistics> sinks) {

    public ExporterStatistics {
        collectors = List.copyOf(collectors);
        sinks = List.copyOf(sinks);
    }
}
