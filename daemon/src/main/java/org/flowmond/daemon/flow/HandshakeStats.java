package org.flowmond.daemon.flow;

/**
 * How the destination of one syscall flow answered the connections its calls opened: their
 * handshakes (the server's part, SYN to SYN-ACK as seen here) and the segments they retransmitted
 * in both directions. Sums and counts, so two summaries of the same key merge exactly, as
 * {@link SyscallStats} do.
 *
 * @param handshakes           handshakes measured
 * @param worstMicros          the slowest of them, µs
 * @param sumMicros            their sum, µs
 * @param retransmittedPackets segments retransmitted on these connections
 */
public record HandshakeStats(long handshakes, long worstMicros, long sumMicros, long retransmittedPackets) {

    /** One connection's share: its handshake ({@code 0}: not measured, or counted already) and new retransmissions. */
    static HandshakeStats of(long handshakeMicros, long retransmitted) {
        return handshakeMicros > 0 ? new HandshakeStats(1, handshakeMicros, handshakeMicros, retransmitted)
                : new HandshakeStats(0, 0, 0, retransmitted);
    }

    /** Mean handshake in µs; 0 when none was measured. */
    public long meanMicros() {
        return handshakes == 0 ? 0 : sumMicros / handshakes;
    }

    public HandshakeStats merge(HandshakeStats o) {
        if (o == null) {
            return this;
        }
        return new HandshakeStats(handshakes + o.handshakes, Math.max(worstMicros, o.worstMicros), sumMicros + o.sumMicros,
                retransmittedPackets + o.retransmittedPackets);
    }

    /** {@code a} merged with {@code b}, either of which may be null (none). */
    public static HandshakeStats sum(HandshakeStats a, HandshakeStats b) {
        return a == null ? b : a.merge(b);
    }
}
