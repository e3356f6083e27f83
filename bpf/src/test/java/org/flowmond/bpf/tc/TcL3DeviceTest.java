package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device without a link-layer header (a tun device, ARPHRD_NONE) is counted exactly by the
 * programs for such devices, which the monitor loads only when such a device is attached; an
 * Ethernet device (a veth) in the same namespace keeps being counted by the first programs.
 */
@RootTest
class TcL3DeviceTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final String NS = "fml3tun";
    private static final String TUN = "fmtun0";
    private static final String LOCAL = "10.78.0.1";
    private static final String PEER = "10.78.0.2";
    private static final int COUNT = 40;
    private static final int PAYLOAD = 300;
    private static Path tunflows;
    private static Path traffic;

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        tunflows = TcTestNet.script("tunflows.py");
        traffic = TcTestNet.script("traffic.py");
    }

    @AfterEach
    void removeNamespace() {
        Tools.runUnchecked(List.of("ip", "netns", "del", NS));
    }

    @Test
    void aTunDeviceAndAVethAreBothCountedExactly() throws Exception {
        removeNamespace();
        Tools.run("ip", "netns", "add", NS);
        VethPair.exec(NS, "ip", "tuntap", "add", TUN, "mode", "tun");
        VethPair.exec(NS, "ip", "addr", "add", LOCAL + "/24", "dev", TUN);
        VethPair.exec(NS, "ip", "link", "set", TUN, "up");
        VethPair.exec(NS, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + TUN + ".rp_filter=0");
        try (VethPair v = VethPair.create("fml3");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            TcTestNet.staticNeighbours(v);
            NetDevice veth = m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
            NetDevice tun = m.attach(TcInterface.named(TUN, TcHooks.BOTH).inNamespace(NS));
            assertTrue(veth.hasEthernetHeader());
            assertFalse(tun.hasEthernetHeader(), "tun: ARPHRD " + tun.arpType());

            assertEquals("sent " + COUNT + " " + COUNT, TcTestNet.python(NS, tunflows, TUN, LOCAL, PEER,
                    String.valueOf(COUNT), String.valueOf(PAYLOAD)).trim());
            TcTestNet.python(v.nsB, traffic, "udp-send", v.ipv4A, "6000", "25", "500", "40000");

            long bytes = COUNT * (PAYLOAD + 28L); // IPv4 and UDP headers, no link layer
            assertCounted(m, key(PEER, LOCAL, 7000, 7001, tun, Direction.INGRESS), COUNT, bytes);
            assertCounted(m, key(LOCAL, PEER, 7002, 7003, tun, Direction.EGRESS), COUNT, bytes);
            assertCounted(m, key(v.ipv4B, v.ipv4A, 40000, 6000, veth, Direction.INGRESS), 25, 25 * (500 + 28L));
        }
    }

    /** Waits until the flow is in the map with {@code packets}, then checks its bytes. */
    private static void assertCounted(TcFlowMonitor m, FlowKey key, long packets, long bytes) throws InterruptedException {
        Optional<UniFlow> flow = Optional.empty();
        for (int i = 0; i < 50; i++) {
            flow = m.scan().stream().filter(f -> f.key().inNamespace(0).equals(key)).findFirst();
            if (flow.isPresent() && flow.get().counters().packets() >= packets) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(flow.isPresent(), "not counted: " + key + "; the map: " + m.scan());
        assertEquals(packets, flow.get().counters().packets(), key.toString());
        assertEquals(bytes, flow.get().counters().bytes(), key.toString());
    }

    private static FlowKey key(String src, String dst, int sport, int dport, NetDevice dev, Direction direction)
            throws java.net.UnknownHostException {
        return new FlowKey(InetAddress.getByName(src), InetAddress.getByName(dst), sport, dport, 17, FlowKey.ETH_P_IP,
                dev.ifindex(), direction);
    }
}
