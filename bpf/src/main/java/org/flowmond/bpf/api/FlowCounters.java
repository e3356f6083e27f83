package org.flowmond.bpf.api;

/**
 * Counters of one unidirectional flow ({@code struct flow_stats} in flowmon.h), with kernel
 * timestamps on the scale of the {@link KernelClock} that decoded them: wall-clock nanoseconds
 * since the epoch, or CLOCK_MONOTONIC nanoseconds for {@link KernelClock#monotonic()}.
 *
 * @param packets        packets seen
 * @param bytes          IP bytes (L3 header + payload)
 * @param firstSeenNanos time of the first packet
 * @param lastSeenNanos  time of the last packet
 * @param tcpFlags       OR of the TCP flag bits seen (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08,
 *                       ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80, NS 0x100)
 */
public record FlowCounters(long packets, long bytes, long firstSeenNanos, long lastSeenNanos, int tcpFlags) {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    public boolean finSeen() {
        return (tcpFlags & FIN) != 0;
    }

    public boolean rstSeen() {
        return (tcpFlags & RST) != 0;
    }
}
