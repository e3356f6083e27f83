package org.flowmond.ipfix;

/**
 * What one destination (a collector or the IPFIX file) has been sent.
 *
 * @param destination        "udp:host:port", "tcp:host:port", "tls:host:port" or "file:path"
 * @param connected          whether the destination is usable now (UDP resolved and connected, TCP/TLS
 *                           connection up with its templates sent, file open)
 * @param messagesSent       messages handed to the socket or file; over TCP/TLS data messages count once the
 *                           collector's TCP acknowledged them (exportedMessageTotalCount)
 * @param octetsSent         their octets (exportedOctetTotalCount)
 * @param flowRecordsSent    flow data records in them (exportedFlowRecordTotalCount)
 * @param dataRecordsSent    all data records, options records (domain 0) included
 * @param templateRefreshes  times the templates were (re)sent (over TCP/TLS: connections)
 * @param notSentFlowRecords flow records that did not reach this destination: dropped before the queue,
 *                           failed or refused here (notSentFlowTotalCount)
 * @param sendErrors         failed sends other than "unreachable"
 * @param unreachable        ICMP port/host unreachable reported by the kernel, failed connects, names that
 *                           do not resolve
 * @param sequenceNumber     the sequence number the next message of the flows' observation domain will carry
 * @param reconnects         TCP/TLS: connections established after the first
 * @param bufferedMessages   TCP/TLS: data messages held now, not yet acknowledged by the collector's TCP
 * @param droppedMessages    messages dropped because the buffer was full (TCP/TLS: the unacknowledged
 *                           buffer; UDP: the channel's and the socket's send buffer, even after a flush)
 * @param icmpErrors         UDP: ICMP errors the kernel reported for this collector
 * @param refusedFlowRecords UDP: flow records in the messages those errors refused (see README, "UDP loss")
 */
public record CollectorStatistics(String destination, boolean connected, long messagesSent, long octetsSent,
                                  long flowRecordsSent, long dataRecordsSent, long templateRefreshes,
                                  long notSentFlowRecords, long sendErrors, long unreachable, long sequenceNumber,
                                  long reconnects, long bufferedMessages, long droppedMessages, long icmpErrors,
                                  long refusedFlowRecords) {
}
