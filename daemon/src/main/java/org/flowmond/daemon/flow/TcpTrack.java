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

    /*
     * The counting entry's previous reading, of the counters whose difference the next one adds: seven
     * longs here rather than a reference to the reading, which would keep a 112-byte TcpCounters alive
     * per direction for the flow's life (the handshake times and the RTT extremes need no previous).
     */
    private long lastRetransmittedPackets;
    private long lastRetransmittedBytes;
    private long lastOutOfOrderPackets;
    private long lastResetPackets;
    private long lastZeroWindowPackets;
    private long lastSrttSumMicros;
    private long lastSrttSamples;

    /**
     * Adds one reading of the counting entry.
     *
     * @param now        the entry's cumulative counters
     * @param recreated  whether the kernel deleted and recreated the entry since the last reading
     *                   (then all of it is new)
     */
    void add(TcpCounters now, boolean recreated) {
        if (recreated) {
            forgetLast(); // all of the recreated entry's counters are new
        }
        retransmittedPackets += increase(now.retransmittedPackets(), lastRetransmittedPackets);
        retransmittedBytes += increase(now.retransmittedBytes(), lastRetransmittedBytes);
        outOfOrderPackets += increase(now.outOfOrderPackets(), lastOutOfOrderPackets);
        resetPackets += increase(now.resetPackets(), lastResetPackets);
        zeroWindowPackets += increase(now.zeroWindowPackets(), lastZeroWindowPackets);
        if (now.hasRtt()) {
            srttMinMicros = Math.min(srttMinMicros, now.srttMinMicros());
            srttMaxMicros = Math.max(srttMaxMicros, now.srttMaxMicros());
            srttSumMicros += increase(now.srttSumMicros(), lastSrttSumMicros);
            srttSamples += increase(now.srttSamples(), lastSrttSamples);
        }
        // the first of each handshake packet, over the flow's life: a recreated entry's later ones do not count
        synNanos = first(synNanos, now.synNanos());
        synAckNanos = first(synAckNanos, now.synAckNanos());
        ackNanos = first(ackNanos, now.ackNanos());
        keepLast(now);
    }

    private void keepLast(TcpCounters now) {
        lastRetransmittedPackets = now.retransmittedPackets();
        lastRetransmittedBytes = now.retransmittedBytes();
        lastOutOfOrderPackets = now.outOfOrderPackets();
        lastResetPackets = now.resetPackets();
        lastZeroWindowPackets = now.zeroWindowPackets();
        lastSrttSumMicros = now.srttSumMicros();
        lastSrttSamples = now.srttSamples();
    }

    private void forgetLast() {
        keepLast(TcpCounters.NONE);
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
