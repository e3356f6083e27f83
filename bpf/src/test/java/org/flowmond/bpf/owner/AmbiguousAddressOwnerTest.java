package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two copies of one private network (namespace A 10.96.0.1, namespace B 10.96.0.2, joined by a
 * veth; the same addresses in both copies), counted on copy 1's A only. Copy 1's client talks to
 * copy 1's server in B; the server is found across namespaces by its address. Then copy 1's server
 * socket goes and copy 2's server binds the same address and port, and copy 1's client sends again
 * after the owner recheck interval: a lookup by address now finds copy 2's server only, though the
 * packets still go to copy 1's B. The end keeps no owner rather than copy 2's (and is counted as
 * ambiguous). A program that takes whichever single namespace has the socket stamps copy 2's server
 * here (UDP: "expected: &lt;null&gt; but was: SocketOwner[... command=server-2 ...]"): the wrong
 * attribution ContainerCopiesEndToEndTest met once, a record in copy 1's client namespace naming copy
 * 2's server container.
 */
@RootTest
class AmbiguousAddressOwnerTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static final String CLIENT_ADDR = "10.96.0.1";
    private static final String SERVER_ADDR = "10.96.0.2";
    private static final int SERVER_PORT = 7421;
    /** Longer than tc_owner.bpf.h's owner_recheck_ns (100 ms): the next packet looks the ends up again. */
    private static final long PAST_RECHECK_MILLIS = 300;
    private VethPair copy1;
    private VethPair copy2;
    private long clientNs;
    private long serverNs1;

    @BeforeEach
    void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        copy1 = twin();
        copy2 = twin();
        clientNs = NetNamespaceInode.of(copy1.nsA);
        serverNs1 = NetNamespaceInode.of(copy1.nsB);
    }

    private static VethPair twin() {
        VethPair p = VethPair.create("amb");
        VethPair.exec(p.nsA, "ip", "addr", "add", CLIENT_ADDR + "/24", "dev", p.ifA);
        VethPair.exec(p.nsB, "ip", "addr", "add", SERVER_ADDR + "/24", "dev", p.ifB);
        return p;
    }

    @AfterEach
    void cleanUp() {
        for (VethPair p : new VethPair[] {copy1, copy2}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void udpServerGoneAndItsCopyBoundIsNotNamed() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer client = OwnerPeer.start(copy1.nsA, "client-1");
             OwnerPeer server1 = OwnerPeer.start(copy1.nsB, "server-1");
             OwnerPeer server2 = OwnerPeer.start(copy2.nsB, "server-2")) {
            m.attach(TcInterface.named(copy1.ifA, TcHooks.BOTH).inNamespace(copy1.nsA));
            String[] s1 = server1.ok("udp_bind 4 " + SERVER_ADDR + " " + SERVER_PORT);
            String[] c = client.ok("udp_bind 4 " + CLIENT_ADDR + " 0");
            int clientPort = Integer.parseInt(c[2]);
            client.ok("sendto " + c[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            server1.ok("recvfrom " + s1[0]);
            UniFlow first = flow(m.scan(), 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertProcess(first.destinationOwner(), server1, serverNs1, "copy 1's server, its address unique");

            server1.ok("close " + s1[0]);
            server2.ok("udp_bind 4 " + SERVER_ADDR + " " + SERVER_PORT);
            Thread.sleep(PAST_RECHECK_MILLIS); // past the recheck interval, not a timed assertion
            client.ok("sendto " + c[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");

            UniFlow later = flow(m.scan(), 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertEquals(2, later.counters().packets(), "both datagrams counted in one entry");
            assertNull(later.destinationOwner(), "copy 1's server is gone and copy 2's has its address: no owner");
            assertTrue(later.ambiguous(false), "the entry says why: its destination is ambiguous");
            assertEquals(1, own.statistics().ambiguousAddress(), "the ambiguous lookup is counted");
        }
    }

    /**
     * Both copies' servers bound at once: copy 1's client's datagram finds the server in both copies'
     * B (no owner). Then one copy's server goes and the client sends again: the end, found in one
     * namespace only now, is still not named. Copy 1's server gone (the order ContainerCopiesEndToEndTest
     * can meet: its server closes, a late packet of the connection looks again): copy 2's is the one
     * found, the wrong one; copy 2's gone: the right one is found, but by its address alone the two
     * cases look the same.
     */
    @ParameterizedTest(name = "copy {0}'s server goes")
    @ValueSource(ints = {1, 2})
    void endFoundInBothCopiesStaysWithoutOwnerWhenOneGoes(int goes) throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer client = OwnerPeer.start(copy1.nsA, "client-1");
             OwnerPeer server1 = OwnerPeer.start(copy1.nsB, "server-1");
             OwnerPeer server2 = OwnerPeer.start(copy2.nsB, "server-2")) {
            m.attach(TcInterface.named(copy1.ifA, TcHooks.BOTH).inNamespace(copy1.nsA));
            String[] s1 = server1.ok("udp_bind 4 " + SERVER_ADDR + " " + SERVER_PORT);
            String[] s2 = server2.ok("udp_bind 4 " + SERVER_ADDR + " " + SERVER_PORT);
            String[] c = client.ok("udp_bind 4 " + CLIENT_ADDR + " 0");
            int clientPort = Integer.parseInt(c[2]);
            client.ok("sendto " + c[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            server1.ok("recvfrom " + s1[0]);
            UniFlow first = flow(m.scan(), 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertNull(first.destinationOwner(), "found in both copies' B: no owner");
            assertTrue(first.ambiguous(false) && !first.ambiguous(true), "the destination's bit only");
            assertEquals(1, own.statistics().ambiguousAddress(), "the ambiguous lookup is counted");

            if (goes == 1) {
                server1.ok("close " + s1[0]);
            } else {
                server2.ok("close " + s2[0]);
            }
            Thread.sleep(PAST_RECHECK_MILLIS); // past the recheck interval, not a timed assertion
            client.ok("sendto " + c[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            if (goes == 2) {
                server1.ok("recvfrom " + s1[0]);
            }

            UniFlow later = flow(m.scan(), 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertEquals(2, later.counters().packets(), "both datagrams counted in one entry");
            assertNull(later.destinationOwner(), "once ambiguous, the entry's end keeps no owner");
            assertEquals(1, own.statistics().ambiguousAddress(), "counted once per entry and end");
        }
    }

    /**
     * Both copies' servers bound to the wildcard address (which names no address); copy 2's has
     * already answered its own client, so the address is known in copy 2's B, not yet in copy 1's. Copy 1's client's first
     * datagram leaves before copy 1's server has received anything: the only socket found is copy
     * 2's bound one, and it is stamped (by address alone the two copies look the same then). Once
     * copy 1's server has received and answered it, its socket has this very connection (the 5-tuple), copy 2's
     * is only bound: the next lookup names copy 1's server. (An end without owner yet, found in
     * both, stays without: the answer's sender here. A copy may have the very same 5-tuple.) NamespaceFlowsEndToEndTest met the first
     * half when its two copies overlapped in time: the record of copy 2's client named copy 1's server.
     */
    @Test
    void theCopyWithTheConnectionOutweighsTheCopyOnlyBound() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer client1 = OwnerPeer.start(copy1.nsA, "client-1");
             OwnerPeer client2 = OwnerPeer.start(copy2.nsA, "client-2");
             OwnerPeer server1 = OwnerPeer.start(copy1.nsB, "server-1");
             OwnerPeer server2 = OwnerPeer.start(copy2.nsB, "server-2")) {
            m.attach(TcInterface.named(copy1.ifA, TcHooks.BOTH).inNamespace(copy1.nsA));
            String[] s2 = server2.ok("udp_bind 4 0.0.0.0 " + SERVER_PORT);
            String[] c2 = client2.ok("udp_bind 4 " + CLIENT_ADDR + " 0");
            client2.ok("sendto " + c2[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            server2.ok("recvfrom " + s2[0]);
            server2.ok("sendto " + s2[0] + " " + CLIENT_ADDR + " " + c2[2] + " 32"); // its answer names the address
            String[] s1 = server1.ok("udp_bind 4 0.0.0.0 " + SERVER_PORT);
            String[] c1 = client1.ok("udp_bind 4 " + CLIENT_ADDR + " 0");
            int clientPort = Integer.parseInt(c1[2]);

            client1.ok("sendto " + c1[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            UniFlow first = flow(m.scan(), 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertProcess(first.destinationOwner(), server2, NetNamespaceInode.of(copy2.nsB),
                    "only copy 2's server has used the address yet");

            server1.ok("recvfrom " + s1[0]);
            server1.ok("sendto " + s1[0] + " " + CLIENT_ADDR + " " + clientPort + " 32");
            Thread.sleep(PAST_RECHECK_MILLIS); // past the recheck interval, not a timed assertion
            client1.ok("sendto " + c1[0] + " " + SERVER_ADDR + " " + SERVER_PORT + " 64");
            server1.ok("recvfrom " + s1[0]);
            List<UniFlow> flows = m.scan();
            UniFlow later = flow(flows, 17, Direction.EGRESS, clientPort, SERVER_PORT);
            assertEquals(2, later.counters().packets(), "both datagrams counted in one entry");
            assertProcess(later.destinationOwner(), server1, serverNs1, "copy 1's server has the connection");
            UniFlow answer = flow(flows, 17, Direction.INGRESS, SERVER_PORT, clientPort);
            assertNull(answer.sourceOwner(), "the answer's sender, without owner yet, found in both copies' B");
            assertTrue(answer.ambiguous(true), "the answer's entry marks its source ambiguous");
            assertFalse(later.ambiguous(false), "the request's destination was decided: not marked");
            assertEquals(1, own.statistics().ambiguousAddress(), "the answer's entry only: the request's was decided");
        }
    }

    @Test
    void tcpServerGoneAndItsCopyListeningIsNotNamed() throws Exception {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { }, own);
             OwnerPeer client = OwnerPeer.start(copy1.nsA, "client-1");
             OwnerPeer server1 = OwnerPeer.start(copy1.nsB, "server-1");
             OwnerPeer server2 = OwnerPeer.start(copy2.nsB, "server-2")) {
            m.attach(TcInterface.named(copy1.ifA, TcHooks.BOTH).inNamespace(copy1.nsA));
            String[] listener = server1.ok("tcp_listen 4 " + SERVER_ADDR + " " + SERVER_PORT);
            String[] conn = client.ok("tcp_connect 4 " + SERVER_ADDR + " " + SERVER_PORT);
            int clientPort = Integer.parseInt(conn[2]);
            String[] accepted = server1.ok("accept " + listener[0]);
            client.ok("send " + conn[0] + " 100");
            server1.ok("recv " + accepted[0]);
            server1.ok("send " + accepted[0] + " 50");
            client.ok("recv " + conn[0]);
            List<UniFlow> before = m.scan();
            assertProcess(flow(before, 6, Direction.EGRESS, clientPort, SERVER_PORT).destinationOwner(), server1,
                    serverNs1, "copy 1's server as destination, its address unique");
            assertProcess(flow(before, 6, Direction.INGRESS, SERVER_PORT, clientPort).sourceOwner(), server1,
                    serverNs1, "copy 1's server as source, its address unique");

            server1.ok("close " + accepted[0]); // FIN: the socket lives on, orphaned, until the client's next data
            server1.ok("close " + listener[0]);
            server2.ok("tcp_listen 4 " + SERVER_ADDR + " " + SERVER_PORT);
            Thread.sleep(PAST_RECHECK_MILLIS); // past the recheck interval, not a timed assertion
            client.ok("send " + conn[0] + " 10"); // copy 1's orphaned server socket answers with a RST
            UniFlow reset = awaitReset(m, clientPort);

            UniFlow toServer = flow(m.scan(), 6, Direction.EGRESS, clientPort, SERVER_PORT);
            assertNull(toServer.destinationOwner(), "copy 1's server closed, copy 2's listens at its address: none");
            assertNull(reset.sourceOwner(), "the RST's sender is gone and copy 2's listener has its address: none");
            assertEquals(2, own.statistics().ambiguousAddress(), "each entry's ambiguous end is counted once");
        }
    }

    /** The server→client entry once it counts the RST. */
    private UniFlow awaitReset(TcFlowMonitor m, int clientPort) throws InterruptedException {
        UniFlow f = null;
        for (int i = 0; i < 50; i++) {
            f = flow(m.scan(), 6, Direction.INGRESS, SERVER_PORT, clientPort);
            if ((f.counters().tcpFlags() & 0x04) != 0) {
                return f;
            }
            Thread.sleep(20); // waiting for the RST to arrive, not a timed assertion
        }
        throw new AssertionError("no RST from copy 1's server: " + f);
    }

    /** o is peer's, and its socket lives in namespace netns. */
    private static void assertProcess(SocketOwner o, OwnerPeer peer, long netns, String what) {
        assertNotNull(o, what + ": no owner");
        assertEquals(peer.pid(), o.pid(), what);
        assertEquals(netns, o.netns(), what + ": the socket's namespace");
    }

    private UniFlow flow(List<UniFlow> flows, int proto, Direction dir, int srcPort, int dstPort) {
        return flows.stream().filter(f -> f.key().protocol() == proto && f.key().direction() == dir
                        && f.key().netns() == clientNs && f.key().srcPort() == srcPort && f.key().dstPort() == dstPort)
                .findFirst().orElseThrow(() -> new AssertionError("no flow " + proto + " " + dir + " "
                        + srcPort + "->" + dstPort + " in " + flows));
    }
}
