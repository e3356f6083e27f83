package org.flowmond.daemon.output.kafka;

import java.nio.charset.StandardCharsets;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.SyscallFlowRecord;

/**
 * Kafka record keys: the producer's partitioner hashes them, so every record of one flow (its
 * active-timeout records and its end) lands in one partition, in order.
 */
final class RecordKeys {
    private RecordKeys() {
    }

    /** {@code 10.0.0.1:40000>10.0.0.2:80/6}: client, server, protocol. */
    static byte[] of(BiflowRecord r) {
        return text(r).getBytes(StandardCharsets.US_ASCII);
    }

    static String text(BiflowRecord r) {
        return r.src().address().getHostAddress() + ":" + r.src().port() + ">" + r.dst().address().getHostAddress() + ":"
                + r.dst().port() + "/" + r.protocol();
    }

    /** {@code connect/4242:10.0.0.1>10.0.0.2:80}: kind, process, addresses, port. */
    static byte[] of(SyscallFlowRecord r) {
        return text(r).getBytes(StandardCharsets.US_ASCII);
    }

    static String text(SyscallFlowRecord r) {
        return r.key().kind().name().toLowerCase(java.util.Locale.ROOT) + "/" + r.key().pid() + ":"
                + r.key().srcAddress().getHostAddress() + ">" + r.key().dstAddress().getHostAddress() + ":" + r.key().port();
    }
}
