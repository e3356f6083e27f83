package org.flowmond.bpf.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One unidirectional flow as one TC hook saw it, in the kernel's own form ({@code struct flow_key}
 * in flowmon.h): each address is the kernel's 16 bytes, read big-endian as two longs (an IPv4
 * address as IPv4-mapped IPv6, {@code ::ffff:a.b.c.d}; all zero for non-IP traffic). No
 * {@link InetAddress} is made for a key: {@link #srcAddress()} and {@link #dstAddress()} make one on
 * request, for the outputs and for tests.
 *
 * @param srcHigh   first 8 bytes of the source address
 * @param srcLow    last 8 bytes of the source address
 * @param dstHigh   first 8 bytes of the destination address
 * @param dstLow    last 8 bytes of the destination address
 * @param srcPort   TCP/UDP/SCTP source port; ICMP and ICMPv6: the type
 * @param dstPort   TCP/UDP/SCTP destination port; ICMP and ICMPv6: the code
 * @param protocol  IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP), 0 if not IP
 * @param ethProto  EtherType (0x0800, 0x86DD, or whatever non-IP type was seen)
 * @param ifindex   interface the hook is attached to
 * @param direction ingress or egress hook
 * @param netns     inode of the network namespace the hook's interface lives in (ifindexes and
 *                  private addresses repeat across namespaces); 0 if unknown
 */
public record FlowKey(long srcHigh, long srcLow, long dstHigh, long dstLow, int srcPort, int dstPort,
                      int protocol, int ethProto, int ifindex, Direction direction, long netns) {

    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;
    /** The first 4 of the last 8 bytes of an IPv4-mapped IPv6 address: {@code 00 00 ff ff}. */
    private static final long V4_MAPPED = 0xFFFFL << 32;

    /** A key from addresses (an IPv4 one is stored IPv4-mapped, as the kernel writes it). */
    public FlowKey(InetAddress srcAddress, InetAddress dstAddress, int srcPort, int dstPort, int protocol,
                   int ethProto, int ifindex, Direction direction, long netns) {
        this(high(srcAddress), low(srcAddress), high(dstAddress), low(dstAddress), srcPort, dstPort, protocol,
                ethProto, ifindex, direction, netns);
    }

    /** A key without its namespace (0), for callers that count in one namespace only. */
    public FlowKey(InetAddress srcAddress, InetAddress dstAddress, int srcPort, int dstPort, int protocol,
                   int ethProto, int ifindex, Direction direction) {
        this(srcAddress, dstAddress, srcPort, dstPort, protocol, ethProto, ifindex, direction, 0);
    }

    /** The same flow counted in namespace {@code inode}. */
    public FlowKey inNamespace(long inode) {
        return new FlowKey(srcHigh, srcLow, dstHigh, dstLow, srcPort, dstPort, protocol, ethProto, ifindex, direction, inode);
    }

    /** 4, 6, or 0 for non-IP traffic. */
    public int ipVersion() {
        return switch (ethProto) {
            case ETH_P_IP -> 4;
            case ETH_P_IPV6 -> 6;
            default -> 0;
        };
    }

    /** The source address, made now: an {@link Inet4Address} for an IPv4 key, else 16 bytes kept IPv6. */
    public InetAddress srcAddress() {
        return address(srcHigh, srcLow, ethProto);
    }

    /** The destination address, made now, as {@link #srcAddress()}. */
    public InetAddress dstAddress() {
        return address(dstHigh, dstLow, ethProto);
    }

    /** Addresses as text (the record's own form would print the four longs). */
    @Override
    public String toString() {
        return "FlowKey[src=" + srcAddress().getHostAddress() + ":" + srcPort + ", dst=" + dstAddress().getHostAddress() + ":"
                + dstPort + ", protocol=" + protocol + ", ethProto=0x" + Integer.toHexString(ethProto) + ", ifindex=" + ifindex
                + ", direction=" + direction + ", netns=" + netns + "]";
    }

    /** The first 8 bytes of {@code a} in its 16-byte form (IPv4 as IPv4-mapped IPv6). */
    public static long high(InetAddress a) {
        return a instanceof Inet4Address ? 0 : half(a.getAddress(), 0);
    }

    /** The last 8 bytes of {@code a} in its 16-byte form (IPv4: {@code ::ffff:a.b.c.d}). */
    public static long low(InetAddress a) {
        return a instanceof Inet4Address ? mappedV4(a.hashCode()) : half(a.getAddress(), 8); // Inet4Address's hash is its address
    }

    /** The last 8 bytes of IPv4 address {@code address} (network order read big-endian) in its 16-byte form. */
    public static long mappedV4(int address) {
        return V4_MAPPED | (address & 0xFFFF_FFFFL);
    }

    /** Whether the 16-byte address {@code high}, {@code low} is IPv4-mapped ({@code ::ffff:a.b.c.d}). */
    public static boolean isMappedV4(long high, long low) {
        return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED;
    }

    private static InetAddress address(long high, long low, int ethProto) {
        try {
            if (ethProto == ETH_P_IP) {
                int a = (int) low;
                return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            }
            byte[] raw = new byte[16];
            for (int i = 0; i < 8; i++) {
                raw[i] = (byte) (high >>> (56 - 8 * i));
                raw[i + 8] = (byte) (low >>> (56 - 8 * i));
            }
            // getByAddress would turn an IPv4-mapped 16-byte address into an Inet4Address; keep IPv6 as IPv6.
            return Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 bytes are always valid addresses", e);
        }
    }

    private static long half(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xFFL);
        }
        return v;
    }
}
