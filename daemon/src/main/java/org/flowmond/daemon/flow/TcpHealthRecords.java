package org.flowmond.daemon.flow;

import org.flowmond.ipfix.TcpHealth;

/**
 * Turns the two directions' {@link TcpTrack}s of a biflow into the {@link TcpHealth} of one record,
 * oriented from the initiator ({@code fwd}) to the responder ({@code rev}).
 *
 * <ul>
 *   <li>Handshake, as ntop measures it where the probe sits: server = the responder's SYN-ACK minus
 *       the initiator's SYN, client = the initiator's ACK minus the SYN-ACK. Full intervals in µs
 *       (the exporter halves them for nProbe's *_NW_LATENCY_MS); 0 when a packet of it was not seen
 *       (a flow already open when flowmond started).</li>
 *   <li>RTT: the kernel's smoothed RTT of the local sockets of both ends, pooled: min and max over
 *       the flow so far, mean over this record's samples (the flow's mean when the record has none).
 *       A flow without a local socket (forwarded) takes the handshake's client + server time as its
 *       one estimate.</li>
 *   <li>Retransmissions, out-of-order and zero-window segments: this record's share; resets: the
 *       flow's total (IPFIX's tcpRstTotalCount).</li>
 * </ul>
 */
final class TcpHealthRecords {
    private TcpHealthRecords() {
    }

    /** The record's health and marks it exported; null when neither direction carries TCP counters. */
    static TcpHealth take(TcpTrack fwd, TcpTrack rev) {
        if (fwd == null && rev == null) {
            return null;
        }
        TcpTrack f = fwd != null ? fwd : new TcpTrack();
        TcpTrack r = rev != null ? rev : new TcpTrack();
        long server = interval(f.synNanos, r.synAckNanos);
        long client = interval(r.synAckNanos, f.ackNanos);
        long[] rtt = rtt(f, r, server > 0 && client > 0 ? server + client : 0);
        TcpHealth h = new TcpHealth(client, server, rtt[0], rtt[1], rtt[2],
                f.retransmittedPackets - f.exportedRetransmittedPackets,
                f.retransmittedBytes - f.exportedRetransmittedBytes,
                r.retransmittedPackets - r.exportedRetransmittedPackets,
                r.retransmittedBytes - r.exportedRetransmittedBytes,
                f.outOfOrderPackets - f.exportedOutOfOrderPackets,
                r.outOfOrderPackets - r.exportedOutOfOrderPackets,
                f.resetPackets, r.resetPackets,
                f.zeroWindowPackets - f.exportedZeroWindowPackets,
                r.zeroWindowPackets - r.exportedZeroWindowPackets);
        f.exported();
        r.exported();
        return h;
    }

    /** Microseconds from {@code from} to {@code to}; 0 unless both were seen, in that order. */
    static long interval(long fromNanos, long toNanos) {
        return fromNanos != 0 && toNanos > fromNanos ? (toNanos - fromNanos) / 1000 : 0;
    }

    /** {min, mean, max} in µs. */
    private static long[] rtt(TcpTrack f, TcpTrack r, long handshakeMicros) {
        long samples = f.srttSamples + r.srttSamples;
        if (samples == 0) {
            return new long[] {handshakeMicros, handshakeMicros, handshakeMicros};
        }
        long newSamples = samples - f.exportedSrttSamples - r.exportedSrttSamples;
        long newSum = f.srttSumMicros + r.srttSumMicros - f.exportedSrttSumMicros - r.exportedSrttSumMicros;
        long mean = newSamples > 0 ? newSum / newSamples : (f.srttSumMicros + r.srttSumMicros) / samples;
        return new long[] {Math.min(f.srttMinMicros, r.srttMinMicros), mean, Math.max(f.srttMaxMicros, r.srttMaxMicros)};
    }
}
