package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ownership maps on the real kernel: processes of this test in two network namespaces joined
 * by a veth, and the owner the kernel recorded for each of their sockets, by the socket's cookie.
 */
@RootTest
class SocketOwnershipTest {
    private static VethPair net;

    @BeforeAll
    static void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        net = VethPair.create("own");
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private static long cookie(String field) {
        return Long.parseUnsignedLong(field);
    }

    private static void assertOwner(SocketOwnership own, long cookie, OwnerPeer peer, String name, OwnerMethod method) {
        SocketOwner o = own.ownerOf(cookie);
        assertEquals(new SocketOwner(peer.pid(), 0, (int) ProcessHandle.current().pid(), o == null ? -1 : o.cgroupId(),
                name, o == null ? "?" : o.parentCommand(), method, peer.netns()), o, "owner of cookie " + cookie);
    }

    @Test
    void tcpClientAndServerAcrossNamespacesIpv4AndIpv6() {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             OwnerPeer server = OwnerPeer.start(net.nsB, "own-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "own-client")) {
            for (String[] v : List.of(new String[] {"4", net.ipv4B, "0.0.0.0"}, new String[] {"6", net.ipv6B, "::"})) {
                String[] listener = server.ok("tcp_listen " + v[0] + " " + v[2] + " 0");
                String[] c = client.ok("tcp_connect " + v[0] + " " + v[1] + " " + listener[2]);
                String[] accepted = server.ok("accept " + listener[0]);
                assertOwner(own, cookie(listener[1]), server, "own-server", OwnerMethod.ACCEPT);
                assertOwner(own, cookie(c[1]), client, "own-client", OwnerMethod.CONNECT);
                client.ok("send " + c[0] + " 100");
                server.ok("recv " + accepted[0]);
                server.ok("send " + accepted[0] + " 10");
                client.ok("recv " + c[0]);
                // the accepted socket: no hook saw the accept; its first receive names the process
                assertOwner(own, cookie(accepted[1]), server, "own-server", OwnerMethod.ACCEPT);
                // the connecting process sent and received: still CONNECT (written only on a change)
                assertOwner(own, cookie(c[1]), client, "own-client", OwnerMethod.CONNECT);
                client.ok("close " + c[0]);
                server.ok("close " + accepted[0]);
                server.ok("close " + listener[0]);
                assertNull(own.ownerOf(cookie(c[1])), "released: forgotten");
                assertNull(own.ownerOf(cookie(listener[1])), "released: forgotten");
            }
        }
    }

    @Test
    void udpUnconnectedAndConnectedBothEndsAndV4MappedIpv6() {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             OwnerPeer server = OwnerPeer.start(net.nsB, "udp-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "udp-client")) {
            String[] bound = server.ok("udp_bind 4 0.0.0.0 0");
            assertOwner(own, cookie(bound[1]), server, "udp-server", OwnerMethod.RECEIVE);

            String[] unconnected = client.ok("udp_socket 4");
            client.ok("sendto " + unconnected[0] + " " + net.ipv4B + " " + bound[2] + " 64");
            server.ok("recvfrom " + bound[0]);
            assertOwner(own, cookie(unconnected[1]), client, "udp-client", OwnerMethod.SEND);
            assertOwner(own, cookie(bound[1]), server, "udp-server", OwnerMethod.RECEIVE);

            String[] connected = client.ok("udp_socket 4");
            client.ok("udp_connect " + connected[0] + " " + net.ipv4B + " " + bound[2]);
            assertOwner(own, cookie(connected[1]), client, "udp-client", OwnerMethod.CONNECT);

            // an AF_INET6 socket sending to a v4-mapped address speaks IPv4
            String[] mapped = client.ok("udp_socket 6");
            client.ok("sendto " + mapped[0] + " ::ffff:" + net.ipv4B + " " + bound[2] + " 64");
            server.ok("recvfrom " + bound[0]);
            assertOwner(own, cookie(mapped[1]), client, "udp-client", OwnerMethod.SEND);

            String[] bound6 = server.ok("udp_bind 6 :: 0");
            String[] v6 = client.ok("udp_socket 6");
            client.ok("sendto " + v6[0] + " " + net.ipv6B + " " + bound6[2] + " 64");
            server.ok("recvfrom " + bound6[0]);
            assertOwner(own, cookie(v6[1]), client, "udp-client", OwnerMethod.SEND);
            assertOwner(own, cookie(bound6[1]), server, "udp-server", OwnerMethod.RECEIVE);
        }
    }

    @Test
    void aForkInheritedSocketBelongsToTheProcessThatLastSent() {
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             OwnerPeer server = OwnerPeer.start(net.nsB, "fork-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "fork-parent")) {
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            String[] c = client.ok("tcp_connect 4 " + net.ipv4B + " " + listener[2]);
            server.ok("accept " + listener[0]);
            assertOwner(own, cookie(c[1]), client, "fork-parent", OwnerMethod.CONNECT);

            int child = Integer.parseInt(client.ok("fork_send " + c[0] + " 100")[0]);
            SocketOwner byChild = own.ownerOf(cookie(c[1]));
            assertEquals(child, byChild.pid(), "the child sent last");
            assertEquals(client.pid(), byChild.ppid());
            assertEquals(OwnerMethod.SEND, byChild.method());
            assertEquals("fork-parent", byChild.command(), "a fork keeps its parent's name");

            client.ok("send " + c[0] + " 10");
            assertOwner(own, cookie(c[1]), client, "fork-parent", OwnerMethod.SEND);
        }
    }

    @Test
    void socketsOpenBeforeStartAreSeededAsExisting() {
        try (OwnerPeer server = OwnerPeer.start(net.nsB, "old-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "old-client")) {
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            String[] c = client.ok("tcp_connect 4 " + net.ipv4B + " " + listener[2]);
            String[] accepted = server.ok("accept " + listener[0]);
            String[] udp = server.ok("udp_bind 6 :: 0");
            // the peers asked for cookies (SO_COOKIE) but this one: the scan must have one made
            String[] quiet = client.ok("udp_bind_nocookie 4 0.0.0.0 0");
            try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults())) {
                assertEquals(0, own.seedExisting(), "every socket seeded");
                assertOwner(own, cookie(c[1]), client, "old-client", OwnerMethod.EXISTING);
                assertOwner(own, cookie(accepted[1]), server, "old-server", OwnerMethod.EXISTING);
                assertOwner(own, cookie(listener[1]), server, "old-server", OwnerMethod.EXISTING);
                assertOwner(own, cookie(udp[1]), server, "old-server", OwnerMethod.EXISTING);
                assertTrue(own.statistics().seeded() >= 4, own.statistics().toString());
                assertOwner(own, cookie(client.ok("cookie " + quiet[0])[0]), client, "old-client", OwnerMethod.EXISTING);
            }
        }
    }

    @Test
    void aFullOwnerMapIsCountedAndNeverGivesAWrongOwner() {
        try (SocketOwnership own = SocketOwnership.open(new SocketOwnershipOptions(1));
             OwnerPeer client = OwnerPeer.start(net.nsA, "full-client")) {
            long full0 = own.statistics().ownerMapFull();
            for (int i = 0; i < 5; i++) {
                client.ok("udp_connect " + client.ok("udp_socket 4")[0] + " " + net.ipv4B + " " + (7000 + i));
            }
            assertTrue(own.statistics().ownerMapFull() - full0 >= 4, own.statistics().toString());
            Map<Long, SocketOwner> all = own.owners();
            assertTrue(all.size() <= 1, all.toString());
        }
    }

    @Test
    void closeLeavesNoProgramMapOrLinkAndHooksAreReported() throws Exception {
        int progs = OwnFds.count(OwnFds.PROG);
        int maps = OwnFds.count(OwnFds.MAP);
        int links = OwnFds.count(OwnFds.LINK);
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults())) {
            // this kernel (6.4+) has the send/receive tracepoints: no locking UDP receive hooks
            assertEquals(List.of("cgroup/connect4", "cgroup/connect6", "cgroup/sendmsg4", "cgroup/sendmsg6",
                    "cgroup/post_bind4", "cgroup/post_bind6",
                    "cgroup/sock_release", "sockops", "cgroup_skb/egress", "tp_btf/sock_send_length", "tp_btf/sock_recv_length"), own.hooks());
            assertEquals(own.hooks().size(), OwnFds.count(OwnFds.LINK) - links);
        }
        assertEquals(progs, OwnFds.count(OwnFds.PROG));
        assertEquals(maps, OwnFds.count(OwnFds.MAP));
        assertEquals(links, OwnFds.count(OwnFds.LINK));
    }
}
