package org.flowmond.ipfix;

import java.nio.ByteBuffer;

/**
 * Receives whole encoded IPFIX messages, for code that carries them on by other means (a Kafka
 * record per message, a queue, a test). Given to {@link IpfixExporter#start(ExporterSettings, java.util.List)},
 * a sink is one more export session beside the collectors and the file: it gets the templates
 * and RFC 5610 type records first, then every data message, the statistics records, and the
 * templates again on the settings' refresh (time and message count, as a UDP collector, so a
 * reader that starts late learns them); sequence numbers are the sink's own, from 0. Messages
 * are at most the datagram size the MTU allows ({@link IpfixExporter#maxMessageLength()}).
 *
 * <p>Called on the export thread only, in order; must not block (hand the octets to a queue or an
 * asynchronous client). What the sink refuses is counted as not sent, in its statistics
 * ({@link ExporterStatistics#sinks()}) and in the notSentFlowTotalCount of its statistics records.
 */
public interface IpfixMessageSink {

    /** A name for logs and statistics, e.g. {@code "kafka:flows"}. */
    String name();

    /**
     * One whole IPFIX message (RFC 7011 section 3), from the buffer's position to its limit.
     *
     * @param message     the encoded message; valid only during the call: copy what you keep
     * @param flowRecords the flow data records in it (0 for templates and statistics)
     * @return true if taken; false if dropped (counted as not sent)
     */
    boolean accept(ByteBuffer message, int flowRecords);

    /** Called after messages were handed over (within 20 ms of the last one) and before close: deliver what is held. */
    default void flush() {
    }

    /** The exporter closes; no message follows. */
    default void close() {
    }
}
