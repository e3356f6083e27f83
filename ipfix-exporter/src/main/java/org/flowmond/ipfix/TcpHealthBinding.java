package org.flowmond.ipfix;

import static org.flowmond.ipfix.template.FieldWriters.unsigned;

import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.template.FieldWriter;

/**
 * How the TCP health elements are written from a record's {@link TcpHealth} (never null in the
 * TCP templates). ntop's IN/OUT and flowmond's source/destination are the record's forward and
 * reverse directions; a uniflow record is the biflow turned so that its direction is forward.
 */
final class TcpHealthBinding {
    private TcpHealthBinding() {
    }

    /** The writer for {@code ie}, or null if it is not a TCP health element. */
    static <R> FieldWriter<R> writerFor(InformationElement ie, Function<R, TcpHealth> health) {
        int len = ie.length();
        ToLongFunction<TcpHealth> value = switch (ie.name()) {
            case "CLIENT_NW_LATENCY_MS" -> h -> halfIntervalMillis(h.clientHandshakeMicros());
            case "SERVER_NW_LATENCY_MS" -> h -> halfIntervalMillis(h.serverHandshakeMicros());
            case "RETRANSMITTED_IN_PKTS" -> TcpHealth::retransmittedPackets;
            case "RETRANSMITTED_IN_BYTES" -> TcpHealth::retransmittedBytes;
            case "RETRANSMITTED_OUT_PKTS" -> TcpHealth::reverseRetransmittedPackets;
            case "RETRANSMITTED_OUT_BYTES" -> TcpHealth::reverseRetransmittedBytes;
            case "OOORDER_IN_PKTS" -> TcpHealth::outOfOrderPackets;
            case "OOORDER_OUT_PKTS" -> TcpHealth::reverseOutOfOrderPackets;
            case "tcpRstTotalCount" -> TcpHealth::resets;
            case "reverseTcpRstTotalCount" -> TcpHealth::reverseResets;
            case "clientHandshakeMicroseconds" -> TcpHealth::clientHandshakeMicros;
            case "serverHandshakeMicroseconds" -> TcpHealth::serverHandshakeMicros;
            case "tcpRttMinMicroseconds" -> TcpHealth::rttMinMicros;
            case "tcpRttMeanMicroseconds" -> TcpHealth::rttMeanMicros;
            case "tcpRttMaxMicroseconds" -> TcpHealth::rttMaxMicros;
            case "sourceZeroWindowDeltaCount" -> TcpHealth::zeroWindows;
            case "destinationZeroWindowDeltaCount" -> TcpHealth::reverseZeroWindows;
            default -> null;
        };
        if (value == null) {
            return null;
        }
        // written here rather than through saturated(): fewer calls per field made the health
        // fields a third cheaper (EncodeBenchmark, README "Benchmark")
        return switch (len) {
            case 4 -> (r, out) -> out.writeInt((int) Math.min(value.applyAsLong(health.apply(r)), MAX_UNSIGNED32));
            case 8 -> (r, out) -> out.writeLong(value.applyAsLong(health.apply(r)));
            default -> throw new IllegalArgumentException(ie + ": TCP health fields are 4 or 8 octets, not " + len);
        };
    }

    private static final long MAX_UNSIGNED32 = 0xFFFF_FFFFL;

    /**
     * nProbe's "3WH RTT/2": half the handshake interval in whole milliseconds, rounded half up
     * (a 20 ms interval is 10; 1 ms is 0.5, sent as 1; under 1 ms is 0, like "not measured").
     */
    static long halfIntervalMillis(long intervalMicros) {
        return intervalMicros / 2000 + (intervalMicros % 2000 >= 1000 ? 1 : 0);
    }

    /**
     * An unsigned field that carries values too large for its length as its largest value rather
     * than their low octets (values are never negative here: the records refuse them).
     */
    static <R> FieldWriter<R> saturated(int length, ToLongFunction<R> value) {
        if (length >= 8) {
            return unsigned(length, value);
        }
        long max = (1L << (8 * length)) - 1;
        return unsigned(length, r -> Math.min(value.applyAsLong(r), max));
    }
}
