package org.flowmond.bpf.tc;

/**
 * What the TC flow counter did not count in the flow map, and why: the kernel's per-CPU
 * counters ({@code enum flowmon_tc_counter} in flowmon.h, summed over CPUs) plus the user-space
 * side of the overflow ring. Counters only grow while the monitor is open.
 *
 * @param mapFull           packets whose flow could not be inserted: map full (E2BIG); each went
 *                          to the overflow ring unless counted in {@code overflowLost}
 * @param mapNoMem          ... insert failed with ENOMEM
 * @param mapOtherError     ... insert failed with another error
 * @param overflowLost      packets lost: the overflow ring was full too
 * @param truncated         packets whose headers were shorter than their protocol says (counted, ports 0)
 * @param nonIp             packets that were not IPv4/IPv6 (counted under their EtherType)
 * @param extHeaderLimit    IPv6 packets with more extension headers than the parser follows
 * @param overflowDelivered overflow records handed to the callback
 * @param overflowFailures  overflow records whose callback threw (counted, logged, dropped)
 */
public record TcStatistics(long mapFull, long mapNoMem, long mapOtherError, long overflowLost, long truncated,
                           long nonIp, long extHeaderLimit, long overflowDelivered, long overflowFailures) {

    /** Packets that reached the overflow path for any reason (each delivered or counted lost). */
    public long insertFailures() {
        return mapFull + mapNoMem + mapOtherError;
    }
}
