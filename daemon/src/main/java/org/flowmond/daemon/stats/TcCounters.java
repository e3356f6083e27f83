package org.flowmond.daemon.stats;

import java.util.Map;
import org.flowmond.bpf.tc.TcAttachMode;

/**
 * The TC programs' counters.
 *
 * @param mapFull          packets counted nowhere: overflow ring full, overflow callback failed, daemon queue full
 * @param nonIpByEtherType frames without IP addresses by EtherType, in EtherType order;
 *                         {@code TcStatistics.OTHER_ETHERTYPES} for the rest
 * @param interfaces       interfaces attached, in every namespace
 * @param namespaces       network namespaces attached, the daemon's own included
 */
public record TcCounters(long mapFull, long insertFailures, long overflowDelivered, long truncated, long nonIp,
                         long nonIpLost, Map<Integer, Long> nonIpByEtherType, long ipv6ExtHeaderLimit,
                         long interfaces, long namespaces, TcAttachMode attachPath) {
}
