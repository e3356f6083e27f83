package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Golden bytes of {@code struct flow_key} (flowmon.h), written by hand, one comment per field. */
@UnitTest
class FlowKeyCodecTest {

    private static byte b(int v) {
        return (byte) v;
    }

    /** 10.1.2.3:443 -> 192.168.0.9:51000, TCP, ifindex 7, egress, in netns 4026531840 (the initial one). */
    static final byte[] IPV4_TCP = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b(0xff), b(0xff), 10, 1, 2, 3,          //  0 src_addr: ::ffff:10.1.2.3
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b(0xff), b(0xff), b(192), b(168), 0, 9, // 16 dst_addr: ::ffff:192.168.0.9
        7, 0, 0, 0,                                                         // 32 ifindex 7 (u32 LE)
        b(0xbb), 0x01,                                                      // 36 src_port 443 (u16 LE)
        b(0x38), b(0xc7),                                                   // 38 dst_port 51000
        0x00, 0x08,                                                         // 40 eth_proto 0x0800
        6,                                                                  // 42 proto TCP
        1,                                                                  // 43 direction egress
        0, 0, 0, b(0xf0),                                                   // 44 netns_ino 4026531840 (u32 LE)
    };

    /** fd00::1 -> fd00::2, ICMPv6 echo request (type 128 code 0 in the ports), ifindex 300, ingress, netns 4026532281. */
    static final byte[] IPV6_ICMP = {
        b(0xfd), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,               //  0 src_addr fd00::1
        b(0xfd), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,               // 16 dst_addr fd00::2
        0x2c, 0x01, 0, 0,                                                   // 32 ifindex 300
        b(128), 0,                                                          // 36 src_port: ICMPv6 type 128
        0, 0,                                                               // 38 dst_port: code 0
        b(0xdd), b(0x86),                                                   // 40 eth_proto 0x86DD
        58,                                                                 // 42 proto ICMPv6
        0,                                                                  // 43 direction ingress
        b(0xb9), 0x01, 0, b(0xf0),                                          // 44 netns_ino 4026532281
    };

    /** An ARP packet: non-IP, addresses zero, counted under EtherType 0x0806. */
    static final byte[] ARP = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                     //  0 src_addr: zero (non-IP)
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                     // 16 dst_addr: zero
        2, 0, 0, 0,                                                         // 32 ifindex 2
        0, 0,                                                               // 36 src_port 0
        0, 0,                                                               // 38 dst_port 0
        0x06, 0x08,                                                         // 40 eth_proto 0x0806 (ARP)
        0,                                                                  // 42 proto 0 (not IP)
        0,                                                                  // 43 direction ingress
        0, 0, 0, 0,                                                         // 44 netns_ino 0: unknown
    };

    @Test
    void decodesIpv4TcpKey() throws Exception {
        FlowKey k = FlowKeyCodec.decode(IPV4_TCP);
        assertEquals(new FlowKey(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("192.168.0.9"), 443, 51000,
                6, 0x0800, 7, Direction.EGRESS, 4026531840L), k);
        assertEquals(4, k.ipVersion());
    }

    @Test
    void decodesIpv6IcmpKey() throws Exception {
        FlowKey k = FlowKeyCodec.decode(IPV6_ICMP);
        assertEquals(new FlowKey(InetAddress.getByName("fd00::1"), InetAddress.getByName("fd00::2"), 128, 0, 58,
                0x86DD, 300, Direction.INGRESS, 4026532281L), k);
    }

    @Test
    void decodesNonIpKeyWithUnspecifiedAddresses() throws Exception {
        FlowKey k = FlowKeyCodec.decode(ARP);
        assertEquals(InetAddress.getByName("::"), k.srcAddress());
        assertEquals(0x0806, k.ethProto());
        assertEquals(0, k.ipVersion());
    }

    @Test
    void encodeIsTheInverseOfDecode() {
        for (byte[] golden : new byte[][] {IPV4_TCP, IPV6_ICMP, ARP}) {
            assertEquals(FlowKeyCodec.SIZE, golden.length);
            assertArrayEquals(golden, FlowKeyCodec.encode(FlowKeyCodec.decode(golden)));
        }
    }
}
