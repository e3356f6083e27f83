package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.OwnerMethod;
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
 * The TC program stamps the owners of both ends into the flow entries: a client in namespace A, a
 * server in namespace B, the counter on A's veth (ingress and egress). Packets leaving A carry the
 * client's socket; packets arriving at A carry none (the veth scrubbed it): their owners come from
 * the 5-tuple map, which the processes' own sends and receives wrote.
 */
@RootTest
class OwnerStampingTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final long RECHECK_WAIT_MS = 150; // > the TC program's 100 ms address-lookup interval
    private static VethPair net;

    @BeforeAll
    static void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        net = VethPair.create("stamp");
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private static UniFlow flow(List<UniFlow> flows, int proto, Direction dir, int srcPort, int dstPort) {
        return flows.stream().filter(f -> f.key().protocol() == proto && f.key().direction() == dir
                        && f.key().srcPort() == srcPort && f.key().dstPort() == dstPort)
                .findFirst().orElseThrow(() -> new AssertionError("no flow " + proto + " " + dir + " "
                        + srcPort + "->" + dstPort + " in " + flows));
    }

    private static void assertOwner(SocketOwner o, OwnerPeer peer, String name, OwnerMethod method, String what) {
        assertNotNull(o, what + ": no owner");
        assertEquals(peer.pid(), o.pid(), what);
        assertEquals(name, o.command(), what);
        assertEquals(method, o.method(), what);
        assertEquals((int) ProcessHandle.current().pid(), o.ppid(), what);
    }

    @Test
    void tcpBothEndsStampedAndRestampedAfterTheEntryWasRemovedWhileIdle() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "tcp-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "tcp-client")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            int port = Integer.parseInt(listener[2]);
            String[] c = client.ok("tcp_connect 4 " + net.ipv4B + " " + port);
            int clientPort = Integer.parseInt(c[2]);
            String[] accepted = server.ok("accept " + listener[0]);
            exchange(client, server, c[0], accepted[0]);
            Thread.sleep(RECHECK_WAIT_MS);
            exchange(client, server, c[0], accepted[0]);

            List<UniFlow> flows = m.scan();
            UniFlow out = flow(flows, 6, Direction.EGRESS, clientPort, port);
            UniFlow in = flow(flows, 6, Direction.INGRESS, port, clientPort);
            assertOwner(out.sourceOwner(), client, "tcp-client", OwnerMethod.CONNECT, "egress source");
            assertOwner(out.destinationOwner(), server, "tcp-server", OwnerMethod.ACCEPT, "egress destination");
            assertOwner(in.sourceOwner(), server, "tcp-server", OwnerMethod.ACCEPT, "ingress source");
            assertOwner(in.destinationOwner(), client, "tcp-client", OwnerMethod.CONNECT, "ingress destination");

            // the daemon exports an idle flow by removing its entry; the connection talks again later
            Optional<UniFlow> removed = m.removeFlow(out.key());
            assertEquals(out.sourceOwner(), removed.orElseThrow().sourceOwner());
            m.removeFlow(in.key());
            Thread.sleep(RECHECK_WAIT_MS);
            exchange(client, server, c[0], accepted[0]);
            flows = m.scan();
            out = flow(flows, 6, Direction.EGRESS, clientPort, port);
            in = flow(flows, 6, Direction.INGRESS, port, clientPort);
            assertOwner(out.sourceOwner(), client, "tcp-client", OwnerMethod.CONNECT, "resumed egress source");
            assertOwner(out.destinationOwner(), server, "tcp-server", OwnerMethod.ACCEPT, "resumed egress destination");
            assertOwner(in.sourceOwner(), server, "tcp-server", OwnerMethod.ACCEPT, "resumed ingress source");
            assertOwner(in.destinationOwner(), client, "tcp-client", OwnerMethod.CONNECT, "resumed ingress destination");
            assertEquals(0, own.statistics().lost(), own.statistics().toString());
        }
    }

    /**
     * The shared-socket rule on the wire: a forked child that writes on an inherited TCP socket owns
     * it from then on, so the connection's next egress packet (here the ACK of the server's answer)
     * stamps the child as source; when the parent writes again, the parent.
     */
    @Test
    void aForkedChildThatWritesOnAnInheritedSocketIsStampedAsSource() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "fork-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "fork-parent")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            int port = Integer.parseInt(listener[2]);
            String[] c = client.ok("tcp_connect 4 " + net.ipv4B + " " + port);
            int clientPort = Integer.parseInt(c[2]);
            String[] accepted = server.ok("accept " + listener[0]);
            exchange(client, server, c[0], accepted[0]);
            assertEquals(client.pid(), flow(m.scan(), 6, Direction.EGRESS, clientPort, port).sourceOwner().pid());

            int child = Integer.parseInt(client.ok("fork_send " + c[0] + " 100")[0]);
            server.ok("recv " + accepted[0]);
            server.ok("send " + accepted[0] + " 50"); // the client's kernel ACKs it: a packet after the child's send
            Thread.sleep(RECHECK_WAIT_MS);
            SocketOwner byChild = flow(m.scan(), 6, Direction.EGRESS, clientPort, port).sourceOwner();
            assertEquals(child, byChild.pid(), "source after the child's send: " + byChild);
            assertEquals(client.pid(), byChild.ppid());
            assertEquals(OwnerMethod.SEND, byChild.method());

            client.ok("recv " + c[0]);
            client.ok("send " + c[0] + " 10");
            server.ok("recv " + accepted[0]);
            SocketOwner byParent = flow(m.scan(), 6, Direction.EGRESS, clientPort, port).sourceOwner();
            assertEquals(client.pid(), byParent.pid(), "source after the parent's send: " + byParent);
        }
    }

    /**
     * A local socket the kernel knows no owner for (the owner map holds one socket, so the client's
     * other sockets find it full) marks its egress entries; entries of a sender behind the veth are not
     * marked: the daemon tells "a loss" from "a remote end" by this.
     */
    @Test
    void anEgressEntryOfALocalSocketWithoutOwnerIsMarked() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(new SocketOwnershipOptions(1));
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "miss-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "miss-client")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            String[] bound = server.ok("udp_bind 4 0.0.0.0 0");
            int port = Integer.parseInt(bound[2]);
            for (int i = 0; i < 3; i++) {
                String[] sock = client.ok("udp_socket 4");
                client.ok("sendto " + sock[0] + " " + net.ipv4B + " " + port + " 64");
                String[] got = server.ok("recvfrom " + bound[0]);
                server.ok("sendto " + bound[0] + " " + got[1] + " " + got[2] + " 32");
                client.ok("recvfrom " + sock[0]);
            }
            List<UniFlow> flows = m.scan().stream().filter(f -> f.key().protocol() == 17).toList();
            List<UniFlow> requests = flows.stream().filter(f -> f.key().dstPort() == port).toList();
            List<UniFlow> responses = flows.stream().filter(f -> f.key().srcPort() == port).toList();
            assertEquals(3, requests.size(), flows.toString());
            assertEquals(3, responses.size(), flows.toString());
            long unowned = requests.stream().filter(f -> f.sourceOwner() == null).count();
            assertTrue(unowned >= 2, "one owner slot for three sockets: " + requests);
            for (UniFlow r : requests) {
                assertEquals(r.sourceOwner() == null, r.sourceSocketUnowned(), r.toString());
            }
            for (UniFlow r : responses) {
                assertFalse(r.sourceSocketUnowned(), "arrived without a socket: " + r);
            }
        }
    }

    /**
     * An idle connection whose entries the daemon exported (removed), then closed: the FIN and ACKs
     * leave after close() released the socket, and still carry both owners (the owner is forgotten
     * when the connection reaches CLOSE, not at close()); once closed, neither socket has one.
     */
    @Test
    void theFinExchangeAfterCloseStillNamesBothProcessesAndClosedSocketsAreForgotten() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "fin-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "fin-client")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            int port = Integer.parseInt(listener[2]);
            String[] c = client.ok("tcp_connect 4 " + net.ipv4B + " " + port);
            int clientPort = Integer.parseInt(c[2]);
            String[] accepted = server.ok("accept " + listener[0]);
            exchange(client, server, c[0], accepted[0]);
            List<UniFlow> flows = m.scan();
            m.removeFlow(flow(flows, 6, Direction.EGRESS, clientPort, port).key());
            m.removeFlow(flow(flows, 6, Direction.INGRESS, port, clientPort).key());
            long clientCookie = Long.parseLong(c[1]);
            long serverCookie = Long.parseLong(accepted[1]);

            client.ok("close " + c[0]);
            server.ok("close " + accepted[0]);
            Thread.sleep(RECHECK_WAIT_MS); // the FIN exchange
            flows = m.scan();
            UniFlow out = flow(flows, 6, Direction.EGRESS, clientPort, port);
            UniFlow in = flow(flows, 6, Direction.INGRESS, port, clientPort);
            assertTrue(out.counters().finSeen() && in.counters().finSeen(), flows.toString());
            assertOwner(out.sourceOwner(), client, "fin-client", OwnerMethod.CONNECT, "FIN egress source");
            assertOwner(out.destinationOwner(), server, "fin-server", OwnerMethod.ACCEPT, "FIN egress destination");
            assertOwner(in.sourceOwner(), server, "fin-server", OwnerMethod.ACCEPT, "FIN ingress source");
            assertOwner(in.destinationOwner(), client, "fin-client", OwnerMethod.CONNECT, "FIN ingress destination");
            assertFalse(out.sourceSocketUnowned(), out.toString());
            assertNull(own.ownerOf(clientCookie), "closed (TIME_WAIT): forgotten");
            assertNull(own.ownerOf(serverCookie), "closed: forgotten");
            assertEquals(0, own.statistics().noOwnerForSocket(), "every packet with a socket found its owner: " + own.statistics());
        }
    }

    /**
     * Two servers bound to the same wildcard endpoint (0.0.0.0, port P) in two network namespaces,
     * the one in B bound last: a connection arriving at A's veth is stamped with A's server, never
     * B's (a wildcard endpoint matches only in its own namespace), on its first packet as on the
     * later ones, and its accepted socket inherits A's listener.
     */
    @Test
    void aWildcardListenerInAnotherNamespaceOnTheSamePortIsNeverTheOwner() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer serverA = OwnerPeer.start(net.nsA, "server-in-a");
             OwnerPeer serverB = OwnerPeer.start(net.nsB, "server-in-b");
             OwnerPeer client = OwnerPeer.start(net.nsB, "client-in-b")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            String[] listenerA = serverA.ok("tcp_listen 4 0.0.0.0 0");
            int port = Integer.parseInt(listenerA[2]);
            serverB.ok("tcp_listen 4 0.0.0.0 " + port); // bound last: the namespace-blind key was B's
            String[] c = client.ok("tcp_connect 4 " + net.ipv4A + " " + port);
            int clientPort = Integer.parseInt(c[2]);
            UniFlow in = flow(m.scan(), 6, Direction.INGRESS, clientPort, port); // SYN and ACK, before accept()
            assertOwner(in.destinationOwner(), serverA, "server-in-a", OwnerMethod.ACCEPT, "ingress destination");
            String[] accepted = serverA.ok("accept " + listenerA[0]);
            SocketOwner acceptedOwner = own.ownerOf(Long.parseLong(accepted[1]));
            assertOwner(acceptedOwner, serverA, "server-in-a", OwnerMethod.ACCEPT, "accepted socket");
        }
    }

    private static void exchange(OwnerPeer client, OwnerPeer server, String clientSock, String serverSock) {
        client.ok("send " + clientSock + " 100");
        server.ok("recv " + serverSock);
        server.ok("send " + serverSock + " 50");
        client.ok("recv " + clientSock);
    }

    @Test
    void udpRequestResponseBothEndsIpv6AndV4Mapped() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer server = OwnerPeer.start(net.nsB, "udp-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "udp-client")) {
            m.attach(TcInterface.named(net.ifA, TcHooks.BOTH).inNamespace(net.nsA));
            for (String[] v : List.of(new String[] {"6", net.ipv6B, "::", "6"},
                    new String[] {"6", "::ffff:" + net.ipv4B, "::", "4"}, new String[] {"4", net.ipv4B, "0.0.0.0", "4"})) {
                String[] bound = server.ok("udp_bind " + v[0] + " " + v[2] + " 0");
                int port = Integer.parseInt(bound[2]);
                String[] sock = client.ok("udp_socket " + v[0]);
                int clientPort = 0;
                for (int round = 0; round < 2; round++) { // the second after the address-lookup interval
                    clientPort = Integer.parseInt(client.ok("sendto " + sock[0] + " " + v[1] + " " + port + " 64")[0]);
                    String[] got = server.ok("recvfrom " + bound[0]);
                    server.ok("sendto " + bound[0] + " " + got[1] + " " + got[2] + " 32");
                    client.ok("recvfrom " + sock[0]);
                    Thread.sleep(RECHECK_WAIT_MS);
                }

                List<UniFlow> flows = m.scan();
                UniFlow request = flow(flows, 17, Direction.EGRESS, clientPort, port);
                UniFlow response = flow(flows, 17, Direction.INGRESS, port, clientPort);
                assertEquals(Integer.parseInt(v[3]), request.key().srcAddress() instanceof Inet4Address ? 4 : 6);
                assertEquals(2, request.counters().packets());
                assertOwner(request.sourceOwner(), client, "udp-client", OwnerMethod.SEND, "request source IPv" + v[3]);
                assertOwner(request.destinationOwner(), server, "udp-server", OwnerMethod.RECEIVE, "request destination");
                assertOwner(response.sourceOwner(), server, "udp-server", OwnerMethod.RECEIVE, "response source");
                assertOwner(response.destinationOwner(), client, "udp-client", OwnerMethod.SEND, "response destination");
            }
        }
    }
}
