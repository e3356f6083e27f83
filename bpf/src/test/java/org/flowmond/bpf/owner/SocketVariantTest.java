package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.syscall.SyscallFilter;
import org.flowmond.bpf.syscall.SyscallProbeOptions;
import org.flowmond.bpf.syscall.SyscallProbes;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SOCKET variant of the syscall probes: connect and accept events from inet_sock_set_state over
 * the ownership maps, connects with their outcome: established, refused (closed port), timed out
 * (SYNs dropped silently: a fake neighbour whose frames the peer namespace discards) and unreachable
 * (an address on the subnet that answers no ARP: the kernel reports EHOSTUNREACH).
 */
@RootTest
class SocketVariantTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static VethPair net;

    @BeforeAll
    static void network() {
        Privileges.requireRoot();
        Privileges.requireTool("python3");
        net = VethPair.create("sockv");
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void connectsWithTheirOutcomeAndAcceptsWithoutTracingAnySyscall() throws Exception {
        String prefix = net.ipv4A.substring(0, net.ipv4A.lastIndexOf('.') + 1);
        String silent = prefix + "78"; // resolves to B's MAC; B drops it (not its address, no forwarding)
        String nobody = prefix + "77"; // no ARP answer
        String macB = VethPair.exec(net.nsB, "cat", "/sys/class/net/" + net.ifB + "/address").trim();
        VethPair.exec(net.nsA, "ip", "neigh", "replace", silent, "lladdr", macB, "dev", net.ifA, "nud", "permanent");
        // ARP gives up after one probe of 200 ms: the unreachable connect fails long before its SYN retries run out
        VethPair.exec(net.nsA, "sysctl", "-qw", "net.ipv4.neigh." + net.ifA + ".mcast_solicit=1",
                "net.ipv4.neigh." + net.ifA + ".retrans_time_ms=200");
        List<SocketEvent> events = new CopyOnWriteArrayList<>();
        try (SocketOwnership own = SocketOwnership.open(SocketOwnershipOptions.defaults());
             SyscallProbes probes = SyscallProbes.open(
                     SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none()).withOwnership(own), CLOCK);
             OwnerPeer server = OwnerPeer.start(net.nsB, "sv-server");
             OwnerPeer client = OwnerPeer.start(net.nsA, "sv-client")) {
            assertEquals(HookVariant.SOCKET, probes.variantInUse(), "AUTO on this kernel: no fentry, no kprobes");
            probes.start(events::add);
            String[] listener = server.ok("tcp_listen 4 0.0.0.0 0");
            int port = Integer.parseInt(listener[2]);
            int clientPort = Integer.parseInt(client.ok("tcp_connect 4 " + net.ipv4B + " " + port)[2]);
            server.ok("accept " + listener[0]);
            String answer = client.ask("tcp_connect 4 " + net.ipv4B + " 9");
            assertTrue(answer.startsWith("error 111"), answer);
            String timedOut = client.ok("socket 4 tcp")[0];
            client.ok("tcp_syncnt " + timedOut + " 1");
            answer = client.ask("connect_id " + timedOut + " " + silent + " 9");
            assertTrue(answer.startsWith("error 110"), answer);
            String unreachable = client.ok("socket 4 tcp")[0];
            answer = client.ask("connect_id " + unreachable + " " + nobody + " 9");
            assertTrue(answer.startsWith("error 113"), answer);
            probes.drain();

            SocketEvent connect = only(events, SocketEventKind.CONNECT, ConnectOutcome.ESTABLISHED, net.ipv4B);
            assertEquals(client.pid(), connect.pid());
            assertEquals("sv-client", connect.comm());
            assertEquals(clientPort, connect.localPort());
            assertEquals(port, connect.remotePort());
            SocketEvent accept = events.stream().filter(e -> e.kind() == SocketEventKind.ACCEPT
                    && e.localPort() == port).findFirst().orElseThrow(() -> new AssertionError(events.toString()));
            assertEquals(server.pid(), accept.pid());
            assertEquals("sv-server", accept.comm());
            assertEquals(clientPort, accept.remotePort());
            assertEquals(ConnectOutcome.NONE, accept.outcome());
            assertEquals(client.pid(), only(events, SocketEventKind.CONNECT, ConnectOutcome.REFUSED, net.ipv4B).pid());
            assertEquals(client.pid(), only(events, SocketEventKind.CONNECT, ConnectOutcome.TIMED_OUT, silent).pid());
            assertEquals(client.pid(), only(events, SocketEventKind.CONNECT, ConnectOutcome.UNREACHABLE, nobody).pid());
            // noOwner is not asserted: other processes' listeners on this host predate the hooks
            assertEquals(0, probes.stats().ringBufferFull() + probes.stats().undecodable(), probes.stats().toString());
        }
    }

    private static SocketEvent only(List<SocketEvent> events, SocketEventKind kind, ConnectOutcome outcome, String remote)
            throws Exception {
        InetAddress addr = InetAddress.getByName(remote);
        List<SocketEvent> found = events.stream().filter(e -> e.kind() == kind && e.outcome() == outcome
                && e.remoteAddress().equals(addr)).toList();
        assertEquals(1, found.size(), kind + " " + outcome + " to " + remote + " in " + events);
        return found.get(0);
    }
}
