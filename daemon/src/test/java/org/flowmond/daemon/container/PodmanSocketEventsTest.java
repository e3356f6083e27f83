package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.syscall.SyscallFilter;
import org.flowmond.bpf.syscall.SyscallProbeOptions;
import org.flowmond.bpf.syscall.SyscallProbes;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * From the kernel to the container ID: flowmond's syscall probes see processes in real Podman
 * containers connect and accept; the cgroup id in each event is the inode of the container's
 * cgroup directory, resolves to exactly Podman's container ID, and the event's network namespace
 * is the container's (the host's, or one made with {@code ip netns add}). Root, BPF, podman; run
 * under the kernel-test lock.
 */
@RootTest
@Timeout(120)
class PodmanSocketEventsTest {
    private static final String PREFIX = "fm-se-" + ProcessHandle.current().pid();
    private static final int NETNS_PORT = 7000;

    private static PodmanFixture podman;
    private static String netnsName;

    private final CgroupTree tree = CgroupTree.system();
    private final NetworkNamespaces netns = NetworkNamespaces.system();
    private final ConcurrentLinkedQueue<SocketEvent> events = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void image() throws IOException {
        podman = PodmanFixture.start();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (podman != null) {
            podman.close();
        }
        if (netnsName != null) {
            Tools.runUnchecked(List.of("ip", "netns", "delete", netnsName));
        }
    }

    private long cgroupIdOf(int pid) throws IOException {
        String path = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        return tree.idOf(path);
    }

    private static ContainerResolver resolver() {
        return new ContainerResolver(CgroupTree.system(), 1024, 100_000, Duration.ofSeconds(1), System::nanoTime);
    }

    private SocketEvent only(SocketEventKind kind, int port, boolean local) {
        List<SocketEvent> matching = events.stream()
                .filter(e -> e.kind() == kind && (local ? e.localPort() : e.remotePort()) == port).toList();
        assertEquals(1, matching.size(), kind + " events for port " + port + ": " + matching);
        return matching.get(0);
    }

    private void assertInContainer(SocketEvent e, PodmanFixture.Container c, long cgroupId, long netnsInode) {
        assertEquals(cgroupId, e.cgroupId(), "the kernel's cgroup id is the cgroup directory's inode: " + e);
        assertEquals(netnsInode, e.netnsInode(), e.toString());
        ContainerIdentity identity = resolver().resolve(e.cgroupId(), e.pid());
        assertEquals(c.id(), identity.id(), identity.toString());
        assertEquals(ContainerRuntime.PODMAN, identity.runtime(), identity.toString());
    }

    @Test
    void hostNetworkContainerConnectsToTheHost() throws Exception {
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none()),
                new KernelClock());
             ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            probes.start(events::add);
            int port = server.getLocalPort();
            PodmanFixture.Container client = podman.run(PREFIX + "-client", "host", List.of(),
                    "/bin/sh", "-c", "sleep 2; nc 127.0.0.1 " + port + " </dev/null; sleep 300");
            long cgroupId = cgroupIdOf(client.pid());
            server.setSoTimeout(30_000);
            try (Socket accepted = server.accept()) {
                assertTrue(accepted.isConnected());
            }
            probes.drain();
            assertInContainer(only(SocketEventKind.CONNECT, port, false), client, cgroupId, netns.ownInode());
        }
    }

    @Test
    void twoContainersInTheirOwnNamespace() throws Exception {
        netnsName = PREFIX + "-ns";
        Tools.run("ip", "netns", "add", netnsName);
        Tools.run("ip", "netns", "exec", netnsName, "ip", "link", "set", "lo", "up");
        long nsInode = ((Number) Files.getAttribute(Path.of("/run/netns", netnsName), "unix:ino")).longValue();
        String network = "ns:/run/netns/" + netnsName;
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none()),
                new KernelClock())) {
            probes.start(events::add);
            PodmanFixture.Container server = podman.run(PREFIX + "-server", network, List.of(),
                    "/bin/sh", "-c", "nc -l -p " + NETNS_PORT + " >/dev/null; sleep 300");
            long serverCgroup = cgroupIdOf(server.pid());
            PodmanFixture.Container client = podman.run(PREFIX + "-nsclient", network, List.of(),
                    "/bin/sh", "-c", "sleep 2; echo hello | nc 127.0.0.1 " + NETNS_PORT + "; sleep 300");
            long clientCgroup = cgroupIdOf(client.pid());
            awaitEvents(SocketEventKind.ACCEPT, NETNS_PORT);
            probes.drain();

            assertInContainer(only(SocketEventKind.CONNECT, NETNS_PORT, false), client, clientCgroup, nsInode);
            assertInContainer(only(SocketEventKind.ACCEPT, NETNS_PORT, true), server, serverCgroup, nsInode);
        }
    }

    private void awaitEvents(SocketEventKind kind, int localPort) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events.stream().noneMatch(e -> e.kind() == kind && e.localPort() == localPort)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
