package org.flowmond.ipfix;

/**
 * What one destination (a UDP collector or the IPFIX file) has been sent.
 *
 * @param destination        "udp:host:port" or "file:path"
 * @param connected          whether the destination is open now (resolved and connected, or file open)
 * @param messagesSent       messages handed to the socket or file (exportedMessageTotalCount)
 * @param octetsSent         their octets (exportedOctetTotalCount)
 * @param flowRecordsSent    flow data records in them (exportedFlowRecordTotalCount)
 * @param dataRecordsSent    all data records, options records (domain 0) included
 * @param templateRefreshes  times the templates were (re)sent
 * @param notSentFlowRecords flow records that did not reach this destination: dropped before the queue,
 *                           or failed here (notSentFlowTotalCount)
 * @param sendErrors         failed sends other than "unreachable"
 * @param unreachable        ICMP port/host unreachable reported by the kernel, and failed connects
 * @param sequenceNumber     the sequence number the next message of the flows' observation domain will carry
 */
public record CollectorStatistics(String destination, boolean connected, long messagesSent, long octetsSent,
                                  long flowRecordsSent, long dataRecordsSent, long templateRefreshes,
                                  long notSentFlowRecords, long sendErrors, long unreachable, long sequenceNumber) {
}
