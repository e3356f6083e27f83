package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.tc.TcFlowMonitor;
import org.flowmond.bpf.tc.TcFlowMonitorOptions;
import org.flowmond.bpf.tc.TcInterface;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Short flows between two network namespaces carry both processes in every flow entry, at both
 * ends of the veth: 200 short TCP connections (connect, 10 bytes, every second one waits for the
 * answer, close) and 200 UDP request/responses, each from a new socket, over IPv4, IPv6 and
 * IPv4-mapped IPv6. The first packets of these flows leave before the far end's socket exists
 * (a SYN before the accept, a request before the server's receive): later packets and the
 * reverse flow must stamp them. One TC monitor counts in the client's namespace, one in the server's.
 */
@RootTest
class ShortFlowOwnersTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final int N = 200;
    private static VethPair net;

    @BeforeAll
    static void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        net = VethPair.create("short");
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void everyShortTcpAndUdpFlowHasBothPidsAtBothEnds() {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor atClient = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(16384), CLOCK, f -> { }, own);
             TcFlowMonitor atServer = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(16384), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "short-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "short-client")) {
            atClient.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            atServer.attach(TcInterface.named(net.ifB, TcHooks.BOTH).inNamespace(net.nsB));
            List<String> failures = new ArrayList<>();
            int checked = 0;
            // family of both sockets, server bind address, address the client sends to
            for (String[] v : List.of(new String[] {"4", "0.0.0.0", net.ipv4B}, new String[] {"6", "::", net.ipv6B},
                    new String[] {"6", "::", "::ffff:" + net.ipv4B})) {
                String what = "IPv" + v[0] + " to " + v[2];
                String[] listener = server.ok("tcp_listen " + v[0] + " " + v[1] + " 0");
                int tcpPort = Integer.parseInt(listener[2]);
                server.ok("tcp_serve " + listener[0] + " " + N);
                List<Integer> tcpClients = ports(client.ok("tcp_burst " + v[0] + " " + v[2] + " " + tcpPort + " " + N));
                server.ok("join");
                String[] bound = server.ok("udp_bind " + v[0] + " " + v[1] + " 0");
                int udpPort = Integer.parseInt(bound[2]);
                server.ok("udp_serve " + bound[0] + " " + N);
                List<Integer> udpClients = ports(client.ok("udp_burst " + v[0] + " " + v[2] + " " + udpPort + " " + N));
                server.ok("join");

                checked += check(atClient.scan(), 6, tcpPort, tcpClients, Direction.EGRESS, client, server, "TCP " + what + " at the client", failures);
                checked += check(atServer.scan(), 6, tcpPort, tcpClients, Direction.INGRESS, client, server, "TCP " + what + " at the server", failures);
                checked += check(atClient.scan(), 17, udpPort, udpClients, Direction.EGRESS, client, server, "UDP " + what + " at the client", failures);
                checked += check(atServer.scan(), 17, udpPort, udpClients, Direction.INGRESS, client, server, "UDP " + what + " at the server", failures);
            }
            assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())),
                    failures.size() + " of " + checked + " flow entries lack an owner or have a wrong one; "
                            + own.statistics());
            assertEquals(3 * 2 * 2 * 2 * N, checked);
            assertEquals(0, own.statistics().lost(), own.statistics().toString());
        }
    }

    private static List<Integer> ports(String[] answer) {
        List<Integer> ports = Arrays.stream(answer[0].split(",")).map(Integer::parseInt).collect(Collectors.toList());
        assertEquals(N, ports.size());
        return ports;
    }

    /**
     * Each client port's two flow entries at one interface: client→server (in direction
     * {@code requestDir}) and server→client (the other one), both ends exact PIDs.
     */
    private static int check(List<UniFlow> flows, int proto, int serverPort, List<Integer> clientPorts,
                             Direction requestDir, OwnerPeer client, OwnerPeer server, String what, List<String> failures) {
        Map<FlowKey, UniFlow> byKey = flows.stream().filter(f -> f.key().protocol() == proto)
                .collect(Collectors.toMap(UniFlow::key, Function.identity()));
        Direction responseDir = requestDir == Direction.EGRESS ? Direction.INGRESS : Direction.EGRESS;
        int checked = 0;
        for (int clientPort : clientPorts) {
            UniFlow request = find(byKey, clientPort, serverPort, requestDir);
            UniFlow response = find(byKey, serverPort, clientPort, responseDir);
            checked += expect(request, client, server, what + " request from port " + clientPort, failures);
            checked += expect(response, server, client, what + " response to port " + clientPort, failures);
        }
        return checked;
    }

    private static UniFlow find(Map<FlowKey, UniFlow> byKey, int srcPort, int dstPort, Direction dir) {
        List<UniFlow> found = byKey.values().stream().filter(f -> f.key().srcPort() == srcPort
                && f.key().dstPort() == dstPort && f.key().direction() == dir).collect(Collectors.toList());
        assertTrue(found.size() <= 1, found.toString());
        return found.isEmpty() ? null : found.get(0);
    }

    private static int expect(UniFlow flow, OwnerPeer src, OwnerPeer dst, String what, List<String> failures) {
        if (flow == null) {
            failures.add(what + ": no flow entry");
            return 1;
        }
        if (!hasPid(flow.sourceOwner(), src) || !hasPid(flow.destinationOwner(), dst)) {
            failures.add(what + ": source " + flow.sourceOwner() + " (want pid " + src.pid() + "), destination "
                    + flow.destinationOwner() + " (want pid " + dst.pid() + "), " + flow.counters().packets() + " packets");
        }
        return 1;
    }

    private static boolean hasPid(SocketOwner owner, OwnerPeer peer) {
        return owner != null && owner.pid() == peer.pid();
    }
}
