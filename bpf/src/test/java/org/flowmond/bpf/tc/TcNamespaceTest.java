package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * Two copies of one network: in each, namespace "server" and namespace "client" joined by a veth
 * pair with the same names, addresses and (in fresh namespaces) ifindexes. The same UDP 5-tuple
 * sent in both is two flow entries, one per counting namespace, each with exactly its own
 * packets and bytes.
 */
@RootTest
class TcNamespaceTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final String SERVER = "10.77.0.1";
    private static final String CLIENT = "10.77.0.2";
    private static final List<String> NAMESPACES = List.of("fmnss1", "fmnsc1", "fmnss2", "fmnsc2");
    private static Path traffic;

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        traffic = TcTestNet.script("traffic.py");
    }

    @AfterEach
    void removeNamespaces() {
        for (String ns : NAMESPACES) {
            Tools.runUnchecked(List.of("ip", "netns", "del", ns));
        }
    }

    @Test
    void theSameFiveTupleInTwoNamespacesIsTwoFlowsWithExactCounts() throws Exception {
        removeNamespaces();
        network("fmnss1", "fmnsc1");
        network("fmnss2", "fmnsc2");
        long ns1 = NetNamespaceInode.of("fmnss1");
        long ns2 = NetNamespaceInode.of("fmnss2");
        assertNotEquals(ns1, ns2);
        try (TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            NetDevice d1 = m.attach(TcInterface.named("fmsrv", TcHooks.BOTH).inNamespace("fmnss1"));
            NetDevice d2 = m.attach(TcInterface.named("fmsrv", TcHooks.BOTH).inNamespace("fmnss2"));
            assertEquals(d1.ifindex(), d2.ifindex(), "fresh namespaces number their veth alike");
            assertEquals(java.util.Set.of(ns1, ns2), m.attachedNamespaces());

            TcTestNet.python("fmnsc1", traffic, "udp-send", SERVER, "6000", "100", "1200", "40000");
            TcTestNet.python("fmnsc2", traffic, "udp-send", SERVER, "6000", "70", "800", "40000");

            FlowKey udp = new FlowKey(ip(CLIENT), ip(SERVER), 40000, 6000, 17, 0x0800, d1.ifindex(), Direction.INGRESS);
            Map<Long, UniFlow> byNs = waitForBoth(m, udp, ns1, ns2);
            assertEquals(100, byNs.get(ns1).counters().packets());
            assertEquals(100L * (1200 + 28), byNs.get(ns1).counters().bytes());
            assertEquals(70, byNs.get(ns2).counters().packets());
            assertEquals(70L * (800 + 28), byNs.get(ns2).counters().bytes());
            assertEquals(ns1, m.removeFlow(udp.inNamespace(ns1)).orElseThrow().key().netns(), "removed by its namespace");
            assertTrue(m.removeFlow(udp.inNamespace(ns2)).isPresent());

            assertEquals(2, m.detachNamespace(ns2), "ingress and egress hooks of fmsrv");
            TcTestNet.python("fmnsc2", traffic, "udp-send", SERVER, "6000", "5", "100", "40000");
            TcTestNet.python("fmnsc1", traffic, "udp-send", SERVER, "6000", "3", "100", "40000");
            Map<Long, UniFlow> after = waitForBoth(m, udp, ns1, ns1);
            assertEquals(3, after.get(ns1).counters().packets());
            assertEquals(List.of(), flowsOf(m, udp, ns2), "nothing counted in a detached namespace");
        }
    }

    @Test
    void upDevicesListsTheInterfacesOfAnotherNamespace() {
        removeNamespaces();
        network("fmnss1", "fmnsc1");
        List<String> names = NetDevice.upDevices("fmnss1").stream().map(NetDevice::name).sorted().toList();
        assertEquals(List.of("fmsrv", "lo"), names);
        VethPair.exec("fmnss1", "ip", "link", "set", "fmsrv", "down");
        assertEquals(List.of("lo"), NetDevice.upDevices("fmnss1").stream().map(NetDevice::name).toList());
    }

    /** Namespaces {@code server} and {@code client} joined by veth fmsrv-fmcli, 10.77.0.1/24 and .2/24. */
    private static void network(String server, String client) {
        Tools.run("ip", "netns", "add", server);
        Tools.run("ip", "netns", "add", client);
        Tools.run("ip", "link", "add", "fmsrv", "netns", server, "type", "veth", "peer", "name", "fmcli", "netns", client);
        for (String[] side : new String[][] {{server, "fmsrv", SERVER}, {client, "fmcli", CLIENT}}) {
            VethPair.exec(side[0], "ip", "link", "set", "lo", "up");
            VethPair.exec(side[0], "ip", "addr", "add", side[2] + "/24", "dev", side[1]);
            VethPair.exec(side[0], "ip", "link", "set", side[1], "up");
        }
        // No ARP during the test: static neighbours both ways.
        String macS = VethPair.exec(server, "cat", "/sys/class/net/fmsrv/address").trim();
        String macC = VethPair.exec(client, "cat", "/sys/class/net/fmcli/address").trim();
        VethPair.exec(server, "ip", "neigh", "replace", CLIENT, "lladdr", macC, "dev", "fmsrv", "nud", "permanent");
        VethPair.exec(client, "ip", "neigh", "replace", SERVER, "lladdr", macS, "dev", "fmcli", "nud", "permanent");
    }

    /** The flow {@code key} counted in namespaces {@code a} and {@code b}, once both have stopped growing. */
    private static Map<Long, UniFlow> waitForBoth(TcFlowMonitor m, FlowKey key, long a, long b) throws InterruptedException {
        Map<Long, UniFlow> previous = Map.of();
        for (int i = 0; i < 100; i++) {
            Map<Long, UniFlow> now = m.scan().stream()
                    .filter(f -> f.key().inNamespace(0).equals(key.inNamespace(0)))
                    .collect(Collectors.toMap(f -> f.key().netns(), f -> f));
            if (now.containsKey(a) && now.containsKey(b) && counts(now).equals(counts(previous))) {
                return now;
            }
            previous = now;
            Thread.sleep(200);
        }
        throw new AssertionError("flow " + key + " not counted in namespaces " + a + " and " + b + ": " + previous);
    }

    private static Map<Long, Long> counts(Map<Long, UniFlow> flows) {
        return flows.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().counters().packets()));
    }

    private static List<UniFlow> flowsOf(TcFlowMonitor m, FlowKey key, long ns) {
        return m.scan().stream().filter(f -> f.key().equals(key.inNamespace(ns))).toList();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
