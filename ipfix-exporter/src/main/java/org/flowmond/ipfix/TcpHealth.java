package org.flowmond.ipfix;

/**
 * The TCP health of one biflow record, oriented like {@link FlowRecord}: "forward" is source to
 * destination, i.e. initiator (client) to responder (server); "reverse" the other way. Handshake
 * intervals are absolute (client and server), not relative to the record's direction.
 *
 * <p>Counters are unsigned; a negative value is refused. Elements of 4 octets (ntop's, and
 * flowmond's microsecond values) carry at most 2^32-1: a larger value is sent as 2^32-1.
 *
 * @param clientHandshakeMicros        SYN-ACK to ACK, the whole interval as seen at the observation point, µs; 0 = not measured
 * @param serverHandshakeMicros        SYN to SYN-ACK, the whole interval, µs; 0 = not measured
 * @param rttMinMicros                 smallest RTT in the record's interval, µs; 0 = not known
 * @param rttMeanMicros                mean RTT over the record's interval, µs; 0 = not known
 * @param rttMaxMicros                 largest RTT in the record's interval, µs; 0 = not known
 * @param retransmittedPackets         forward retransmitted segments in this record (delta)
 * @param retransmittedBytes           forward retransmitted octets in this record (delta)
 * @param reverseRetransmittedPackets  reverse retransmitted segments (delta)
 * @param reverseRetransmittedBytes    reverse retransmitted octets (delta)
 * @param outOfOrderPackets            forward segments that arrived after a hole (delta)
 * @param reverseOutOfOrderPackets     reverse out-of-order segments (delta)
 * @param resets                       RSTs the source sent since the flow began (total, as IANA tcpRstTotalCount)
 * @param reverseResets                RSTs the destination sent since the flow began (total)
 * @param zeroWindows                  forward zero-window advertisements (delta)
 * @param reverseZeroWindows           reverse zero-window advertisements (delta)
 */
public record TcpHealth(long clientHandshakeMicros, long serverHandshakeMicros, long rttMinMicros, long rttMeanMicros,
                        long rttMaxMicros, long retransmittedPackets, long retransmittedBytes,
                        long reverseRetransmittedPackets, long reverseRetransmittedBytes, long outOfOrderPackets,
                        long reverseOutOfOrderPackets, long resets, long reverseResets, long zeroWindows,
                        long reverseZeroWindows) {

    public TcpHealth {
        long[] all = {clientHandshakeMicros, serverHandshakeMicros, rttMinMicros, rttMeanMicros, rttMaxMicros,
            retransmittedPackets, retransmittedBytes, reverseRetransmittedPackets, reverseRetransmittedBytes,
            outOfOrderPackets, reverseOutOfOrderPackets, resets, reverseResets, zeroWindows, reverseZeroWindows};
        for (long v : all) {
            if (v < 0) {
                throw new IllegalArgumentException("TCP health values must not be negative: " + java.util.Arrays.toString(all));
            }
        }
    }

    /**
     * nProbe's CLIENT_NW_LATENCY_MS as its JSON carries it: half the client-side interval
     * ("3WH RTT/2"), in fractional milliseconds; 0 when not measured.
     */
    public double clientNetworkLatencyMillis() {
        return clientHandshakeMicros / 2000.0;
    }

    /** nProbe's SERVER_NW_LATENCY_MS as its JSON carries it: half the server-side interval, fractional ms. */
    public double serverNetworkLatencyMillis() {
        return serverHandshakeMicros / 2000.0;
    }

    /** The same health seen from the destination: the per-direction counts swapped, handshakes and RTT kept. */
    TcpHealth reversed() {
        return new TcpHealth(clientHandshakeMicros, serverHandshakeMicros, rttMinMicros, rttMeanMicros, rttMaxMicros,
                reverseRetransmittedPackets, reverseRetransmittedBytes, retransmittedPackets, retransmittedBytes,
                reverseOutOfOrderPackets, outOfOrderPackets, reverseResets, resets, reverseZeroWindows, zeroWindows);
    }
}
