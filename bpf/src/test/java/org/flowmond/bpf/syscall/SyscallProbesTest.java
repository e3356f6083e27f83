package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The syscall probes in the real kernel, as attached by AUTO here (raw tracepoints on the CI kernel):
 * child processes of known pid and name connect through a veth pair between two network
 * namespaces, and every connect and accept must come back exactly once, attributed to the right
 * process. Other tests on this machine make connections too, so events are selected by pid.
 */
@RootTest
@Timeout(120)
class SyscallProbesTest {
    private static final int N = 5;
    private static final int PORT = 7001;
    private static final int OTHER_PORT = 7101;
    private static final String CLIENT = "fm-client";
    private static final String SERVER = "fm-server";

    private final KernelClock clock = new KernelClock();
    private final ConcurrentLinkedQueue<SocketEvent> events = new ConcurrentLinkedQueue<>();
    private VethPair veth;

    @BeforeEach
    void namespaces() {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        Privileges.requireTool("setpriv");
        veth = VethPair.create("fmsys");
    }

    @AfterEach
    void removeNamespaces() {
        if (veth != null) {
            veth.close();
        }
    }

    /** Both variants that attach on the CI kernel; AUTO (the other tests) picks the first. */
    @ParameterizedTest
    @EnumSource(value = HookVariant.class, names = {"RAW_TRACEPOINT", "TRACEPOINT"})
    void ipv4ConnectsAndAcceptsAreAttributedToTheirProcesses(HookVariant variant) throws Exception {
        connectAndAcceptThroughVeth(variant, veth.ipv4A, veth.ipv4B, 4);
    }

    @ParameterizedTest
    @EnumSource(value = HookVariant.class, names = {"RAW_TRACEPOINT", "TRACEPOINT"})
    void ipv6ConnectsAndAcceptsAreAttributedToTheirProcesses(HookVariant variant) throws Exception {
        connectAndAcceptThroughVeth(variant, veth.ipv6A, veth.ipv6B, 6);
    }

    private void connectAndAcceptThroughVeth(HookVariant variant, String clientAddr, String serverAddr, int ipVersion)
            throws Exception {
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(variant, SyscallFilter.none()), clock);
             PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, serverAddr, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, serverAddr, PORT, N, false)) {
            assertEquals(variant, probes.variantInUse());
            probes.start(events::add);
            List<Integer> clientPorts = client.go();
            List<Integer> acceptedFrom = server.awaitAccepted(N);
            probes.drain();

            assertEquals(Set.copyOf(clientPorts), Set.copyOf(acceptedFrom));
            List<SocketEvent> connects = eventsOf(client.pid());
            assertEquals(N, connects.size(), "connect events of the client: " + connects);
            for (int i = 0; i < N; i++) {
                SocketEvent e = connects.get(i);
                assertEquals(SocketEventKind.CONNECT, e.kind());
                assertEquals(CLIENT, e.comm());
                assertEquals(PeerProcess.NOBODY, e.uid());
                assertEquals(PeerProcess.NOBODY, e.gid());
                assertEquals(ProcessHandle.current().pid(), e.ppid());
                assertEquals(thisProcessName(), e.parentComm());
                assertEquals(netnsInode(veth.nsA), e.netnsInode());
                assertEquals(ipVersion, e.ipVersion());
                assertEquals(InetAddress.getByName(clientAddr), e.localAddress());
                assertEquals(clientPorts.get(i), e.localPort(), "events come in connect order");
                assertEquals(InetAddress.getByName(serverAddr), e.remoteAddress());
                assertEquals(PORT, e.remotePort());
            }
            List<SocketEvent> accepts = eventsOf(server.pid());
            assertEquals(N, accepts.size(), "accept events of the server: " + accepts);
            for (SocketEvent e : accepts) {
                assertEquals(SocketEventKind.ACCEPT, e.kind());
                assertEquals(SERVER, e.comm(), "the process name, not the accepting thread's");
                assertNotEquals(server.pid(), e.tid(), "accept() runs in a server thread; pid is still the process");
                assertEquals(0, e.uid());
                assertEquals(netnsInode(veth.nsB), e.netnsInode());
                assertEquals(ipVersion, e.ipVersion());
                assertEquals(InetAddress.getByName(serverAddr), e.localAddress());
                assertEquals(PORT, e.localPort());
                assertEquals(InetAddress.getByName(clientAddr), e.remoteAddress());
            }
            assertEquals(Set.copyOf(clientPorts), remotePorts(accepts));
            SyscallProbeStats stats = probes.stats();
            assertEquals(0, stats.lost(), "nothing lost: " + stats);
            assertEquals(0, stats.recursionMisses(), "read from the kernel's program info, at its offset");
            assertEquals(0, stats.consumerFailures());
        }
    }

    /**
     * A reader that found nothing ten times polls once a second: it reads far less often, a drain
     * still returns at once (it wakes the poll), and the next connects still arrive, within about a
     * second, each read followed by the end-of-read call.
     */
    @Test
    void aQuietReaderPollsOnceASecondYetDrainsAtOnceAndStillDeliversEverything() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        SyscallFilter onlyOurs = SyscallFilter.none().withPorts(PORT); // the host's own connects keep out
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, onlyOurs), clock);
             PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, N, false)) {
            probes.start(events::add, reads::incrementAndGet);
            Thread.sleep(1500); // ten empty reads of 100 ms and more: quiet
            int before = reads.get();
            Thread.sleep(2000);
            int quietReads = reads.get() - before;
            assertTrue(quietReads <= 4, quietReads + " reads in 2 s: not quiet");
            long t0 = System.nanoTime();
            probes.drain();
            long drainMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(drainMillis < 300, "drain of a quiet reader took " + drainMillis + " ms");

            List<Integer> clientPorts = client.go();
            server.awaitAccepted(N);
            long deadline = System.nanoTime() + 3_000_000_000L; // a quiet poll is 1 s
            while (eventsOf(client.pid()).size() < N && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(N, eventsOf(client.pid()).size(), "connects after a quiet spell: " + events);
            assertEquals(N, eventsOf(server.pid()).size(), "accepts after a quiet spell: " + events);
            assertEquals(clientPorts, eventsOf(client.pid()).stream().map(SocketEvent::localPort).toList());
            assertEquals(0, probes.stats().lost());
        }
    }

    /**
     * With a long quiet interval (the daemon's), a quiet reader leaves events in the ring until a
     * thread that checks wakes it: {@code wakeReaderIfPending} is false on an empty ring, true once
     * connects wait, and the events then arrive at once, not after the reader's own 60 s.
     */
    @Test
    void aReaderWithALongQuietIntervalIsWokenWhenEventsWait() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        SyscallFilter onlyOurs = SyscallFilter.none().withPorts(PORT); // the host's own connects keep out
        SyscallProbeOptions options = SyscallProbeOptions.of(HookVariant.AUTO, onlyOurs)
                .withQuietPollInterval(java.time.Duration.ofSeconds(60));
        try (SyscallProbes probes = SyscallProbes.open(options, clock);
             PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, N, false)) {
            probes.start(events::add, reads::incrementAndGet);
            Thread.sleep(1500); // ten empty reads of 100 ms and more: quiet, now in a 60 s poll
            assertFalse(probes.wakeReaderIfPending(), "an empty ring wakes nobody");
            int quietReads = reads.get();

            List<Integer> clientPorts = client.go();
            server.awaitAccepted(N);
            Thread.sleep(300);
            assertEquals(quietReads, reads.get(), "no wake-up, no read: the events wait in the ring");
            assertEquals(List.of(), eventsOf(client.pid()));
            assertTrue(probes.wakeReaderIfPending(), "events wait");
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (eventsOf(server.pid()).size() < N && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(clientPorts, eventsOf(client.pid()).stream().map(SocketEvent::localPort).toList());
            assertEquals(N, eventsOf(server.pid()).size(), "accepts: " + events);
            // the reader moves its position just after handing over the last event: allow it that moment
            boolean waiting = true;
            for (int i = 0; waiting && i < 100; i++) {
                waiting = probes.wakeReaderIfPending();
                Thread.sleep(20);
            }
            assertFalse(waiting, "all taken");
            assertEquals(0, probes.stats().lost());
        }
    }

    @Test
    void pidFilterKeepsOnlyTheListedProcess() throws Exception {
        // The server starts after the probes: with kprobe/fentry, an accept() already blocked when
        // they attach returns unseen (a kretprobe/fexit fires only for calls entered after it).
        try (PeerProcess wanted = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, N, false);
             PeerProcess other = PeerProcess.client(veth.nsA, "fm-other", veth.ipv4B, PORT, N, false);
             SyscallProbes probes = open(SyscallFilter.none().withPids(wanted.pid()));
             PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT)) {
            probes.start(events::add);
            List<Integer> wantedPorts = wanted.go();
            other.go();
            server.awaitAccepted(2 * N);
            probes.drain();

            assertEquals(N, eventsOf(wanted.pid()).size());
            assertEquals(Set.copyOf(wantedPorts), localPorts(eventsOf(wanted.pid())));
            assertTrue(events.stream().allMatch(e -> e.pid() == wanted.pid()),
                    "the kernel let only the listed pid through, from any process on the machine: " + events);
            // at least the other client's connects and all the server's accepts were dropped in the kernel
            assertTrue(probes.stats().filtered() >= 3 * N, "filtered: " + probes.stats());
        }
    }

    @Test
    void portListKeepsOnlyConnectionsOnListedPorts() throws Exception {
        portFilterKeepsOnlyPort(SyscallFilter.none().withPorts(PORT, 9));
    }

    @Test
    void portRangeKeepsOnlyConnectionsInTheRange() throws Exception {
        portFilterKeepsOnlyPort(SyscallFilter.none().withPortRange(PORT - 1, PORT + 50));
    }

    /** Connections to PORT pass the filter, connections to OTHER_PORT do not. */
    private void portFilterKeepsOnlyPort(SyscallFilter filter) throws Exception {
        try (SyscallProbes probes = open(filter);
             PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT, OTHER_PORT);
             PeerProcess toPort = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, N, false);
             PeerProcess toOther = PeerProcess.client(veth.nsA, "fm-other", veth.ipv4B, OTHER_PORT, N, false)) {
            probes.start(events::add);
            List<Integer> portClientPorts = toPort.go();
            toOther.go();
            server.awaitAccepted(2 * N);
            probes.drain();

            assertEquals(N, eventsOf(toPort.pid()).size());
            assertEquals(0, eventsOf(toOther.pid()).size(), "connects to " + OTHER_PORT + " are filtered");
            List<SocketEvent> accepts = eventsOf(server.pid());
            assertEquals(N, accepts.size(), "only accepts on " + PORT + ": " + accepts);
            assertTrue(accepts.stream().allMatch(e -> e.localPort() == PORT));
            assertEquals(Set.copyOf(portClientPorts), remotePorts(accepts));
            assertTrue(events.stream().allMatch(e -> inFilter(filter, e)), "no event outside the filter: " + events);
        }
    }

    /**
     * A one-page ring (4096 bytes) holds exactly 34 events of 8 + 112 bytes. The reader starts
     * only after the client made 50 connects (the only events: the pid filter drops all others),
     * so 34 arrive and 16 are counted as lost, none silently.
     */
    @Test
    void aFullRingCountsEveryLostEvent() throws Exception {
        int connects = 50;
        int fit = 4096 / (8 + SockEventCodec.SIZE);
        try (PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, connects, false);
             SyscallProbes probes = SyscallProbes.open(new SyscallProbeOptions(HookVariant.AUTO,
                     SyscallFilter.none().withPids(client.pid()), 4096, SyscallProbeOptions.DEFAULT_POLL_INTERVAL), clock)) {
            List<Integer> clientPorts = client.go();
            server.awaitAccepted(connects);
            probes.start(events::add);
            probes.drain();

            assertEquals(34, fit);
            assertEquals(clientPorts.subList(0, fit), events.stream().map(SocketEvent::localPort).toList(),
                    "the first events stay in the ring, later ones are refused");
            SyscallProbeStats stats = probes.stats();
            assertEquals(connects - fit, stats.ringBufferFull(), stats.toString());
            assertEquals(fit, stats.delivered());
            assertEquals(connects - fit, stats.lost());
        }
    }

    @Test
    void connectionsOpenBeforeStartAreFoundAsExisting() throws Exception {
        try (PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv6B, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, veth.ipv6B, PORT, N, true)) {
            List<Integer> clientPorts = client.go();
            server.awaitAccepted(N);
            List<SocketEvent> found;
            try (SyscallProbes probes = open(SyscallFilter.none())) {
                found = probes.scanExisting();
            }
            List<SocketEvent> clientSide = found.stream().filter(e -> e.pid() == client.pid()).toList();
            assertEquals(N, clientSide.size(), "client's held connections: " + clientSide);
            assertEquals(Set.copyOf(clientPorts), localPorts(clientSide));
            for (SocketEvent e : clientSide) {
                assertEquals(SocketEventKind.EXISTING, e.kind());
                assertEquals(CLIENT, e.comm());
                assertEquals(PeerProcess.NOBODY, e.uid());
                assertEquals(ProcessHandle.current().pid(), e.ppid());
                assertEquals(netnsInode(veth.nsA), e.netnsInode());
                assertEquals(6, e.ipVersion());
                assertEquals(InetAddress.getByName(veth.ipv6A), e.localAddress());
                assertEquals(InetAddress.getByName(veth.ipv6B), e.remoteAddress());
                assertEquals(PORT, e.remotePort());
            }
            List<SocketEvent> serverSide = found.stream().filter(e -> e.pid() == server.pid()).toList();
            assertEquals(N, serverSide.size(), "accepted sockets only, not the listening one: " + serverSide);
            assertTrue(serverSide.stream().allMatch(e -> e.localPort() == PORT && e.comm().equals(SERVER)));
            assertEquals(Set.copyOf(clientPorts), remotePorts(serverSide));
        }
    }

    @Test
    void existingScanAppliesTheFilters() throws Exception {
        try (PeerProcess server = PeerProcess.serve(veth.nsB, SERVER, veth.ipv4B, PORT);
             PeerProcess client = PeerProcess.client(veth.nsA, CLIENT, veth.ipv4B, PORT, N, true)) {
            client.go();
            server.awaitAccepted(N);
            List<SocketEvent> found;
            try (SyscallProbes probes = open(SyscallFilter.none().withPids(client.pid()))) {
                found = probes.scanExisting();
            }
            assertEquals(N, found.size(), "only the client's connections: " + found);
            assertTrue(found.stream().allMatch(e -> e.pid() == client.pid()));
        }
    }

    private SyscallProbes open(SyscallFilter filter) {
        return SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, filter), clock);
    }

    private List<SocketEvent> eventsOf(int pid) {
        return events.stream().filter(e -> e.pid() == pid).toList();
    }

    private static Set<Integer> localPorts(List<SocketEvent> list) {
        return new HashSet<>(list.stream().map(SocketEvent::localPort).toList());
    }

    private static Set<Integer> remotePorts(List<SocketEvent> list) {
        return new HashSet<>(list.stream().map(SocketEvent::remotePort).toList());
    }

    private static boolean inFilter(SyscallFilter filter, SocketEvent e) {
        return portPasses(filter, e.localPort()) || portPasses(filter, e.remotePort());
    }

    private static boolean portPasses(SyscallFilter filter, int port) {
        return filter.ports().contains(port)
                || (filter.hasPortRange() && port >= filter.portRangeLow() && port <= filter.portRangeHigh());
    }

    static long netnsInode(String ns) throws IOException {
        return (Long) Files.getAttribute(Path.of("/run/netns", ns), "unix:ino");
    }

    /** This JVM's process name (its main thread's comm), e.g. "java". */
    private static String thisProcessName() throws IOException {
        return Files.readString(Path.of("/proc/self/comm")).strip();
    }
}
