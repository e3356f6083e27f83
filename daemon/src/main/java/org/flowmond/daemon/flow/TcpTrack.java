package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.TcpCounters;

/**
 * The TCP health of one direction of a biflow, from the kernel entry of its counting hook: the
 * handshake times, totals since the flow began (entries deleted and recreated by the kernel add up,
 * as packets do) and what of them was already exported. Made only for TCP flows whose entries
 * carry TCP counters, so UDP and ICMP flows cost nothing.
 */
final class TcpTrack {
    /** Raw CLOCK_MONOTONIC nanoseconds of the first SYN, SYN-ACK and ACK seen in this direction; 0 = none. */
    long synNanos;
    long synAckNanos;
    long ackNanos;

    long retransmittedPackets;
    long retransmittedBytes;
    long outOfOrderPackets;
    long resetPackets;
    long zeroWindowPackets;
    /** Smoothed RTT samples of the local socket that sent in this direction (µs). */
    long srttMinMicros = Long.MAX_VALUE;
    long srttMaxMicros;
    long srttSumMicros;
    long srttSamples;

    long exportedRetransmittedPackets;
    long exportedRetransmittedBytes;
    long exportedOutOfOrderPackets;
    long exportedZeroWindowPackets;
    long exportedSrttSumMicros;
    long exportedSrttSamples;

    /** The counting entry's previous reading: the next one adds its difference. */
    private TcpCounters last = TcpCounters.NONE;

    /**
     * Adds one reading of the counting entry.
     *
     * @param now        the entry's cumulative counters
     * @param recreated  whether the kernel deleted and recreated the entry since the last reading
     *                   (then all of it is new)
     */
    void add(TcpCounters now, boolean recreated) {
        TcpCounters before = recreated ? TcpCounters.NONE : last;
        retransmittedPackets += increase(now.retransmittedPackets(), before.retransmittedPackets());
        retransmittedBytes += increase(now.retransmittedBytes(), before.retransmittedBytes());
        outOfOrderPackets += increase(now.outOfOrderPackets(), before.outOfOrderPackets());
        resetPackets += increase(now.resetPackets(), before.resetPackets());
        zeroWindowPackets += increase(now.zeroWindowPackets(), before.zeroWindowPackets());
        if (now.hasRtt()) {
            srttMinMicros = Math.min(srttMinMicros, now.srttMinMicros());
            srttMaxMicros = Math.max(srttMaxMicros, now.srttMaxMicros());
            srttSumMicros += increase(now.srttSumMicros(), before.srttSumMicros());
            srttSamples += increase(now.srttSamples(), before.srttSamples());
        }
        // the first of each handshake packet, over the flow's life: a recreated entry's later ones do not count
        synNanos = first(synNanos, now.synNanos());
        synAckNanos = first(synAckNanos, now.synAckNanos());
        ackNanos = first(ackNanos, now.ackNanos());
        last = now;
    }

    boolean hasRtt() {
        return srttSamples > 0;
    }

    /** Marks everything counted so far as exported (the next record carries only what follows). */
    void exported() {
        exportedRetransmittedPackets = retransmittedPackets;
        exportedRetransmittedBytes = retransmittedBytes;
        exportedOutOfOrderPackets = outOfOrderPackets;
        exportedZeroWindowPackets = zeroWindowPackets;
        exportedSrttSumMicros = srttSumMicros;
        exportedSrttSamples = srttSamples;
    }

    /** A counter's growth between two readings; a counter that went back started over (its value is new). */
    private static long increase(long now, long before) {
        return now >= before ? now - before : now;
    }

    private static long first(long kept, long seen) {
        return kept != 0 ? kept : seen;
    }
}
