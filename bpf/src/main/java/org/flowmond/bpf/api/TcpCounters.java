package org.flowmond.bpf.api;

/**
 * TCP health of one unidirectional flow as the TC program counted it at one hook
 * ({@code struct tcp_health}, flowmon.h). All zero ({@link #NONE}) for other protocols and when the
 * TC program runs with TCP health off.
 *
 * <p>The three handshake times are RAW kernel {@code CLOCK_MONOTONIC} nanoseconds
 * ({@code bpf_ktime_get_ns}, the clock of {@link System#nanoTime()} on Linux): only differences between
 * them, also across the two directions' flows of one connection, are meaningful; 0 = not seen.
 *
 * @param synNanos             first SYN without ACK of this flow
 * @param synAckNanos          first SYN+ACK
 * @param ackNanos             first segment with ACK and without SYN (nor FIN, RST, URG)
 * @param retransmittedPackets wire segments carrying payload, SYN or FIN that started before the highest
 *                             sequence number already seen (at a sender's egress: TcpRetransSegs)
 * @param retransmittedBytes   their TCP payload bytes (at a sender's egress: tcp_info bytes_retrans)
 * @param outOfOrderPackets    skbs that started after the highest sequence number seen: each opens a hole
 * @param resetPackets         segments with RST
 * @param zeroWindowPackets    segments advertising window 0 (neither SYN nor RST)
 * @param srttMinMicros        smallest smoothed RTT sample of the local sending socket (egress only)
 * @param srttMaxMicros        largest sample
 * @param srttSumMicros        sum of the samples (mean = sum / samples)
 * @param srttSamples          samples taken, at most one per millisecond
 */
public record TcpCounters(long synNanos, long synAckNanos, long ackNanos, long retransmittedPackets,
        long retransmittedBytes, long outOfOrderPackets, long resetPackets, long zeroWindowPackets,
        long srttMinMicros, long srttMaxMicros, long srttSumMicros, long srttSamples) {

    /** Nothing counted: a flow of another protocol, or TCP health off. */
    public static final TcpCounters NONE = new TcpCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Whether the local socket's smoothed RTT was sampled at least once. */
    public boolean hasRtt() {
        return srttSamples > 0;
    }
}
