package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.tc.NetNamespaceInode;
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
 * Two copies of one private network: in each, namespace A (10.98.0.1) and namespace B (10.98.0.2)
 * joined by a veth, the same addresses, a server bound exactly to 10.98.0.2 on the same port and a
 * client connecting from the same address and port, so both copies have the very same endpoints
 * and 5-tuples, copy 2's written last. The counter runs on both ends of each copy's veth.
 *
 * <p>Each end is stamped with its own copy's process where its socket is in the counting namespace
 * (the server seen from B, the client from A), never with the other copy's. An end in the other
 * namespace of its copy (the client seen from B) is looked up where its address was used: copy 1's
 * while only copy 1 used it (copy 1's process), copy 2's once both copies have the socket (found
 * in both namespaces alike: no owner rather than a guess). Before the ownership keys carried the
 * namespace, copy 2's server, in B where it was counted, was stamped as copy 1's (run against the
 * earlier program: "expected: <server-2's pid> but was: <server-1's>").
 */
@RootTest
class NamespaceCopiesOwnerTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final String CLIENT_ADDR = "10.98.0.1";
    private static final String SERVER_ADDR = "10.98.0.2";
    private static final int TCP_SERVER_PORT = 7411;
    private static final int TCP_CLIENT_PORT = 40411;
    private static final int UDP_SERVER_PORT = 7412;
    private static final int UDP_CLIENT_PORT = 40412;
    private static VethPair copy1;
    private static VethPair copy2;

    @BeforeAll
    static void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        copy1 = twin();
        copy2 = twin();
    }

    /** A veth pair with the shared private addresses added to its two ends. */
    private static VethPair twin() {
        VethPair p = VethPair.create("twin");
        VethPair.exec(p.nsA, "ip", "addr", "add", CLIENT_ADDR + "/24", "dev", p.ifA);
        VethPair.exec(p.nsB, "ip", "addr", "add", SERVER_ADDR + "/24", "dev", p.ifB);
        return p;
    }

    @AfterAll
    static void cleanUp() {
        for (VethPair p : new VethPair[] {copy1, copy2}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** The peers of one copy: a server in B, a client in A. */
    private record Copy(VethPair net, OwnerPeer server, OwnerPeer client, long inodeA, long inodeB) {
        static Copy start(VethPair net, int n) throws Exception {
            return new Copy(net, OwnerPeer.start(net.nsB, "server-" + n), OwnerPeer.start(net.nsA, "client-" + n),
                    NetNamespaceInode.of(net.nsA), NetNamespaceInode.of(net.nsB));
        }
    }

    @Test
    void identicalEndpointsAndTuplesInTwoNamespacesAreStampedWithTheirOwnProcessesOnly() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own)) {
            Copy one = Copy.start(copy1, 1);
            Copy two = Copy.start(copy2, 2);
            try {
                for (Copy c : List.of(one, two)) {
                    m.attach(TcInterface.named(c.net.ifA, TcHooks.BOTH).inNamespace(c.net.nsA));
                    m.attach(TcInterface.named(c.net.ifB, TcHooks.BOTH).inNamespace(c.net.nsB));
                }
                for (Copy c : List.of(one, two)) { // copy 2 binds, connects and sends last
                    String[] listener = c.server.ok("tcp_listen 4 " + SERVER_ADDR + " " + TCP_SERVER_PORT);
                    String[] conn = c.client.ok("tcp_connect_from 4 " + CLIENT_ADDR + " " + TCP_CLIENT_PORT + " "
                            + SERVER_ADDR + " " + TCP_SERVER_PORT);
                    String[] accepted = c.server.ok("accept " + listener[0]);
                    c.client.ok("send " + conn[0] + " 100");
                    c.server.ok("recv " + accepted[0]);
                    c.server.ok("send " + accepted[0] + " 50");
                    c.client.ok("recv " + conn[0]);
                    String[] udpServer = c.server.ok("udp_bind 4 " + SERVER_ADDR + " " + UDP_SERVER_PORT);
                    String[] udpClient = c.client.ok("udp_bind 4 " + CLIENT_ADDR + " " + UDP_CLIENT_PORT);
                    c.client.ok("sendto " + udpClient[0] + " " + SERVER_ADDR + " " + UDP_SERVER_PORT + " 64");
                    c.server.ok("recvfrom " + udpServer[0]);
                    c.server.ok("sendto " + udpServer[0] + " " + CLIENT_ADDR + " " + UDP_CLIENT_PORT + " 32");
                    c.client.ok("recvfrom " + udpClient[0]);
                }
                List<UniFlow> flows = m.scan();
                for (int proto : new int[] {6, 17}) {
                    int clientPort = proto == 6 ? TCP_CLIENT_PORT : UDP_CLIENT_PORT;
                    int serverPort = proto == 6 ? TCP_SERVER_PORT : UDP_SERVER_PORT;
                    assertStamps(flows, one, proto, clientPort, serverPort, true);
                    assertStamps(flows, two, proto, clientPort, serverPort, false);
                }
            } finally {
                for (Copy c : List.of(one, two)) {
                    c.server.close();
                    c.client.close();
                }
            }
        }
    }

    /**
     * The client→server flow of copy c as counted leaving A and arriving at B; the ends in the
     * copy's other namespace are its own processes if {@code crossFound}, else none.
     */
    private static void assertStamps(List<UniFlow> flows, Copy c, int proto, int clientPort, int serverPort,
                                     boolean crossFound) {
        String what = "copy " + c.server.pid() + " proto " + proto;
        UniFlow leaving = flow(flows, proto, Direction.EGRESS, c.inodeA, clientPort, serverPort);
        UniFlow arriving = flow(flows, proto, Direction.INGRESS, c.inodeB, clientPort, serverPort);
        assertEquals(leaving.counters().packets(), arriving.counters().packets(), what + ": one copy's packets");
        assertProcess(leaving.sourceOwner(), c.client, c.inodeA, what + ": the client, leaving A through its socket");
        assertProcess(arriving.destinationOwner(), c.server, c.inodeB,
                what + ": the server, in B where it was counted");
        if (crossFound) {
            assertProcess(leaving.destinationOwner(), c.server, c.inodeB,
                    what + ": the server seen from A, its address unique");
            assertProcess(arriving.sourceOwner(), c.client, c.inodeA,
                    what + ": the client seen from B, its address unique");
        } else {
            assertNull(leaving.destinationOwner(), what + ": the server seen from A is in both copies' B: no guess");
            assertNull(arriving.sourceOwner(), what + ": the client seen from B is in both copies' A: no guess");
        }
    }

    /** o is peer's, and its socket lives in namespace netns. */
    private static void assertProcess(SocketOwner o, OwnerPeer peer, long netns, String what) {
        assertNotNull(o, what + ": no owner");
        assertEquals(peer.pid(), o.pid(), what);
        assertEquals(netns, o.netns(), what + ": the socket's namespace");
    }

    private static UniFlow flow(List<UniFlow> flows, int proto, Direction dir, long netns, int srcPort, int dstPort) {
        return flows.stream().filter(f -> f.key().protocol() == proto && f.key().direction() == dir
                        && f.key().netns() == netns && f.key().srcPort() == srcPort && f.key().dstPort() == dstPort)
                .findFirst().orElseThrow(() -> new AssertionError("no flow " + proto + " " + dir + " in netns "
                        + netns + " " + srcPort + "->" + dstPort + " in " + flows));
    }
}
