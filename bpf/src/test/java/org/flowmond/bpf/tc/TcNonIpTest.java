package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Frames without IP addresses never become flows: ARP, LLDP, 802.3/LLC, IPv4 frames too short
 * for an IP header and 70 made-up EtherTypes (l2frames.py) are counted per EtherType, exactly;
 * the 64-type map sends the 10 types beyond it to the "other" slot, and nothing is lost.
 */
@RootTest
class TcNonIpTest {

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
    }

    @Test
    void countsFramesWithoutIpAddressesPerEtherTypeAndNeverAsFlows() throws Exception {
        try (VethPair v = VethPair.create("fmnip");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(256), new KernelClock(), f -> { })) {
            TcTestNet.staticNeighbours(v);
            m.attach(TcInterface.named(v.ifA, TcHooks.INGRESS).inNamespace(v.nsA));
            String macA = VethPair.exec(v.nsA, "cat", "/sys/class/net/" + v.ifA + "/address").trim();
            String sent = TcTestNet.python(v.nsB, TcTestNet.script("l2frames.py"), v.ifB, macA, "70");

            Map<Integer, TcStatistics.NonIpCount> expected = new TreeMap<>();
            long other = 0;
            long otherBytes = 0;
            long notIp = 0;
            for (String line : sent.lines().toList()) {
                String[] f = line.split(" "); // ETHERTYPE COUNT L3_BYTES
                int type = Integer.parseInt(f[0], 16);
                long count = Long.parseLong(f[1]);
                long bytes = count * Long.parseLong(f[2]);
                notIp += type == 0x0800 ? 0 : count;
                if (expected.size() < TcFlowMonitor.NONIP_MAX_TYPES) { // the first 64 types get a slot each
                    expected.put(type, new TcStatistics.NonIpCount(count, bytes));
                } else {
                    other += count;
                    otherBytes += bytes;
                }
            }
            assertEquals(10, other, "70 + 4 types sent, 64 slots");
            expected.put(TcStatistics.OTHER_ETHERTYPES, new TcStatistics.NonIpCount(other, otherBytes));

            TcStatistics s = m.statistics();
            assertEquals(expected, s.nonIpFrames());
            assertEquals(notIp, s.nonIp(), s.toString());
            assertEquals(4, s.truncated(), "the short IPv4 frames");
            assertEquals(0, s.nonIpLost(), s.toString());
            // only IP flows (the kernel's own IPv6 neighbour/MLD packets may be there), none with zero addresses
            List<UniFlow> bad = new ArrayList<>();
            for (UniFlow f : m.scan()) {
                if ((f.key().ethProto() != 0x0800 && f.key().ethProto() != 0x86DD)
                        || f.key().srcAddress().isAnyLocalAddress() || f.key().dstAddress().isAnyLocalAddress()) {
                    bad.add(f);
                }
            }
            assertEquals(List.of(), bad, "no flow for frames without IP addresses");
        }
    }
}
