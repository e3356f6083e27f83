package org.flowmond.bpf.tc;

import java.util.Map;

/**
 * What the TC flow counter did not count in the flow map, and why: the kernel's per-CPU
 * counters ({@code enum flowmon_tc_counter} in flowmon.h, summed over CPUs) plus the user-space
 * side of the overflow ring, and the frames without IP addresses counted per EtherType
 * ({@code nonip_frames}). Counters only grow while the monitor is open.
 *
 * @param mapFull           packets whose flow could not be inserted: map full (E2BIG); each went
 *                          to the overflow ring unless counted in {@code overflowLost}
 * @param mapNoMem          ... insert failed with ENOMEM
 * @param mapOtherError     ... insert failed with another error
 * @param overflowLost      packets lost: the overflow ring was full too
 * @param truncated         packets whose headers were shorter than their protocol says (counted, ports 0)
 * @param nonIp             packets that were not IPv4/IPv6 (counted in {@code nonIpFrames}, not as flows)
 * @param extHeaderLimit    IPv6 packets with more extension headers than the parser follows
 * @param overflowDelivered overflow records handed to the callback
 * @param overflowFailures  overflow records whose callback threw (counted, logged, dropped)
 * @param nonIpLost         frames without IP addresses that found no slot in {@code nonIpFrames} (never
 *                          expected: the {@link #OTHER_ETHERTYPES} slot takes what does not fit)
 * @param nonIpFrames       frames without IP addresses (non-IP, or an IP header too short to read), by
 *                          EtherType; {@link #OTHER_ETHERTYPES} holds EtherTypes beyond the map's
 *                          {@value TcFlowMonitor#NONIP_MAX_TYPES} distinct ones. Sorted by EtherType.
 */
public record TcStatistics(long mapFull, long mapNoMem, long mapOtherError, long overflowLost, long truncated,
                           long nonIp, long extHeaderLimit, long overflowDelivered, long overflowFailures,
                           long nonIpLost, Map<Integer, NonIpCount> nonIpFrames) {

    /** Key of {@link #nonIpFrames} for the EtherTypes that found no slot of their own ({@code NONIP_OTHER}). */
    public static final int OTHER_ETHERTYPES = 0x10000;

    /** Frames and bytes (after the link-layer header and tags) of one EtherType. */
    public record NonIpCount(long packets, long bytes) {
    }

    public TcStatistics {
        nonIpFrames = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(nonIpFrames));
    }

    /** Packets that reached the overflow path for any reason (each delivered or counted lost). */
    public long insertFailures() {
        return mapFull + mapNoMem + mapOtherError;
    }
}
