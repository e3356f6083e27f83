package org.flowmond.bpf.api;

import java.net.InetAddress;

/**
 * One unidirectional flow as one TC hook saw it ({@code struct flow_key} in flowmon.h).
 *
 * @param srcAddress source address; for non-IP traffic the unspecified address {@code ::}
 * @param dstAddress destination address
 * @param srcPort    TCP/UDP/SCTP source port; ICMP and ICMPv6: the type
 * @param dstPort    TCP/UDP/SCTP destination port; ICMP and ICMPv6: the code
 * @param protocol   IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP), 0 if not IP
 * @param ethProto   EtherType (0x0800, 0x86DD, or whatever non-IP type was seen)
 * @param ifindex    interface the hook is attached to
 * @param direction  ingress or egress hook
 * @param netns      inode of the network namespace the hook's interface lives in (ifindexes and
 *                   private addresses repeat across namespaces); 0 if unknown
 */
public record FlowKey(InetAddress srcAddress, InetAddress dstAddress, int srcPort, int dstPort,
                      int protocol, int ethProto, int ifindex, Direction direction, long netns) {

    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;

    /** A key without its namespace (0), for callers that count in one namespace only. */
    public FlowKey(InetAddress srcAddress, InetAddress dstAddress, int srcPort, int dstPort, int protocol,
                   int ethProto, int ifindex, Direction direction) {
        this(srcAddress, dstAddress, srcPort, dstPort, protocol, ethProto, ifindex, direction, 0);
    }

    /** The same flow counted in namespace {@code inode}. */
    public FlowKey inNamespace(long inode) {
        return new FlowKey(srcAddress, dstAddress, srcPort, dstPort, protocol, ethProto, ifindex, direction, inode);
    }

    /** 4, 6, or 0 for non-IP traffic. */
    public int ipVersion() {
        return switch (ethProto) {
            case ETH_P_IP -> 4;
            case ETH_P_IPV6 -> 6;
            default -> 0;
        };
    }
}
