package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parser on hand-built frames (craft.py) whose IP and transport headers are not in the
 * skb's linear area: VLAN and QinQ tags, IPv4 options, IPv6 extension headers and fragments,
 * SCTP, ICMP, non-IP (counted by EtherType, not as a flow), a truncated header and an over-long IPv6 extension chain. Each kind is
 * sent a different number of times, so a key counted under the wrong kind shows.
 */
@RootTest
class TcParserTest {

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
    }

    @Test
    void parsesEveryHeaderKindFromNonLinearPackets() throws Exception {
        try (VethPair v = VethPair.create("fmtx");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(256), new KernelClock(), f -> { })) {
            TcTestNet.staticNeighbours(v);
            for (String[] end : new String[][] {{v.nsA, v.ifA}, {v.nsB, v.ifB}}) { // frames above a page
                Tools.run("ip", "-n", end[0], "link", "set", end[1], "mtu", "9000");
            }
            NetDevice dev = m.attach(TcInterface.named(v.ifA, TcHooks.INGRESS).inNamespace(v.nsA));
            String macA = VethPair.exec(v.nsA, "cat", "/sys/class/net/" + v.ifA + "/address").trim();
            String sent = TcTestNet.python(v.nsB, TcTestNet.script("craft.py"), v.ifB, macA, v.ipv4B, v.ipv4A,
                    v.ipv6B, v.ipv6A);

            InetAddress b4 = InetAddress.getByName(v.ipv4B);
            InetAddress a4 = InetAddress.getByName(v.ipv4A);
            InetAddress b6 = InetAddress.getByName(v.ipv6B);
            InetAddress a6 = InetAddress.getByName(v.ipv6A);
            long netns = NetNamespaceInode.of(v.nsA);
            Map<String, FlowKey> expectedKey = Map.of(
                    "ipv4-options-udp", key(b4, a4, 1111, 2222, 17, 0x0800, dev, netns),
                    "ipv6-ext-tcp", key(b6, a6, 3333, 4444, 6, 0x86DD, dev, netns),
                    "ipv6-first-fragment", key(b6, a6, 5001, 5002, 17, 0x86DD, dev, netns),
                    "ipv6-later-fragment", key(b6, a6, 0, 0, 17, 0x86DD, dev, netns),       // no transport header
                    "ipv4-later-fragment", key(b4, a4, 0, 0, 17, 0x0800, dev, netns),
                    "vlan-sctp", key(b4, a4, 5555, 6666, 132, 0x0800, dev, netns),
                    "qinq-icmp", key(b4, a4, 8, 0, 1, 0x0800, dev, netns),                  // echo request: type 8
                    "truncated-tcp", key(b4, a4, 0, 0, 6, 0x0800, dev, netns),              // ports unreadable
                    "ipv6-long-chain", key(b6, a6, 0, 0, 60, 0x86DD, dev, netns));          // stopped at a dest-opts header

            Map<FlowKey, UniFlow> seen = new HashMap<>();
            for (UniFlow f : m.scan()) {
                seen.put(f.key(), f);
            }
            List<String> lines = sent.lines().toList();
            assertEquals(expectedKey.size() + 1, lines.size(), sent);
            for (String line : lines) {
                String[] f = line.split(" "); // NAME COUNT IP_BYTES
                long count = Long.parseLong(f[1]);
                if (f[0].equals("non-ip")) { // no flow: counted by EtherType
                    assertEquals(Map.of(0x88B5, new TcStatistics.NonIpCount(count, count * Long.parseLong(f[2]))),
                            m.statistics().nonIpFrames());
                    continue;
                }
                UniFlow flow = seen.get(expectedKey.get(f[0]));
                assertEquals(count, flow == null ? 0 : flow.counters().packets(), f[0] + " packets; saw " + seen.keySet());
                assertEquals(count * Long.parseLong(f[2]), flow.counters().bytes(), f[0] + " bytes");
            }
            assertEquals(0x142, seen.get(expectedKey.get("ipv6-ext-tcp")).counters().tcpFlags(), "NS|ECE|SYN");

            TcStatistics s = m.statistics();
            assertEquals(8, s.nonIp(), s.toString());
            assertEquals(9, s.truncated(), s.toString());
            assertEquals(10, s.extHeaderLimit(), s.toString());
        }
    }

    private static FlowKey key(InetAddress src, InetAddress dst, int sport, int dport, int proto, int ethProto,
                               NetDevice dev, long netns) {
        return new FlowKey(src, dst, sport, dport, proto, ethProto, dev.ifindex(), Direction.INGRESS, netns);
    }
}
