package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Podman containers behind Podman's default network (a bridge on the host, a veth and a namespace
 * of their own per container, addresses from Podman's IPAM). The daemon counts on every interface
 * of the host (the bridge and the containers' veth ends, attached as they appear): the packets
 * arrive there without their sockets, from namespaces that are not the daemon's. Every record of
 * TCP host→container, TCP container→container, UDP (DNS) container→container and UDP (DNS)
 * container→host names both processes, each container's ID and runtime, the namespace each
 * process's socket lives in (the container's, the host's) and the namespace that counted it (the
 * host's). Root, BPF, podman; run under the kernel-test lock.
 */
@RootTest
@Timeout(240)
class PodmanDefaultNetworkEndToEndTest {
    private static final int HOST_TO_CT_TCP = 7761;
    private static final int CT_TO_CT_TCP = 7762;
    private static final int CT_TO_CT_DNS = 7763;
    private static final int CT_TO_HOST_DNS = 7764;
    /** A client container's command waits this long first: the daemon attaches to its new veth in the meantime. */
    private static final String AFTER_ATTACH = "sleep 3; ";
    /** and outlives its client this long: a container's identity is read while its cgroup exists. */
    private static final String THEN_LINGER = "; sleep 8";

    @TempDir
    Path dir;
    private final List<Process> hostProcesses = new ArrayList<>();
    /** Podman's bridge network turns the host's IPv4 forwarding on; new namespaces inherit it. */
    private final String ipForward = Tools.run("sysctl", "-n", "net.ipv4.ip_forward").strip();

    @AfterEach
    void cleanUp() {
        hostProcesses.forEach(Process::destroyForcibly);
        Tools.runUnchecked(List.of("sysctl", "-qw", "net.ipv4.ip_forward=" + ipForward)); // as other tests expect it
    }

    @Test
    void everyRecordThroughTheDefaultBridgeNamesItsProcessesAndContainers() throws Exception {
        String prefix = "fm-def-" + ProcessHandle.current().pid();
        try (PodmanFixture podman = PodmanFixture.start()) {
            // servers first: their veths exist when the daemon starts
            PodmanFixture.Container tcpServer = noted(podman.run(prefix + "-tcp", "podman", List.of(),
                    "sh", "-c", "nc -l -p " + HOST_TO_CT_TCP + " > /dev/null" + THEN_LINGER));
            PodmanFixture.Container peerServer = noted(podman.run(prefix + "-peer", "podman", List.of(),
                    "sh", "-c", "nc -l -p " + CT_TO_CT_TCP + " > /dev/null" + THEN_LINGER));
            PodmanFixture.Container dnsServer = noted(podman.run(prefix + "-dnsd", "podman", PodmanFixture.HOST_USR,
                    "python3", "-c", ContainerRecords.DNS_SERVER, "0.0.0.0", Integer.toString(CT_TO_CT_DNS)));
            String gateway = Tools.run("podman", "network", "inspect", "podman", "--format",
                    "{{range .Subnets}}{{.Gateway}}{{end}}").strip();
            Process hostDns = host("python3", "-c", ContainerRecords.DNS_SERVER, gateway, Integer.toString(CT_TO_HOST_DNS));
            assertEquals("ready", new String(hostDns.getInputStream().readNBytes(5), StandardCharsets.UTF_8));

            Path json = dir.resolve("flows.json");
            try (ChildProcess daemon = ContainerRecords.startDaemon(dir, "\"all\"", json)) {
                long hostNetns = ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();

                Process tcpClient = host("bash", "-c", "exec 3<>/dev/tcp/" + PodmanFixture.address(tcpServer) + "/"
                        + HOST_TO_CT_TCP + "; printf hello-container >&3; sleep 1; exec 3>&-");
                assertEquals(0, tcpClient.waitFor(), "the host's TCP client");
                PodmanFixture.Container peerClient = noted(podman.run(prefix + "-cli", "podman", List.of(), "sh", "-c",
                        AFTER_ATTACH + "echo hello-peer | nc " + PodmanFixture.address(peerServer) + " " + CT_TO_CT_TCP
                                + THEN_LINGER));
                PodmanFixture.Container peerAsker = noted(podman.run(prefix + "-ask", "podman", List.of(), "sh", "-c",
                        AFTER_ATTACH + "nslookup -port=" + CT_TO_CT_DNS + " flowmond.test "
                                + PodmanFixture.address(dnsServer) + THEN_LINGER));
                PodmanFixture.Container hostAsker = noted(podman.run(prefix + "-askh", "podman", List.of(), "sh", "-c",
                        AFTER_ATTACH + "nslookup -port=" + CT_TO_HOST_DNS + " flowmond.test " + gateway + THEN_LINGER));

                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, HOST_TO_CT_TCP)) {
                    assertEnd(r, "SRC", tcpClient.pid(), "bash", null);
                    assertEnd(r, "DST", tcpServer.pid(), "sh", tcpServer); // nc is the shell's child: its father
                    assertEquals(Long.toString(hostNetns), r.get("FLOWMON_NETNS"), r.toString());
                }
                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, CT_TO_CT_TCP)) {
                    assertEnd(r, "SRC", peerClient.pid(), "sh", peerClient);
                    assertEnd(r, "DST", peerServer.pid(), "sh", peerServer);
                    assertEquals(Long.toString(hostNetns), r.get("FLOWMON_NETNS"), r.toString());
                }
                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, CT_TO_CT_DNS)) {
                    assertEquals("17", r.get("PROTOCOL"), r.toString());
                    assertEnd(r, "SRC", peerAsker.pid(), "sh", peerAsker);
                    assertEquals(Integer.toString(dnsServer.pid()), r.get("DST_PROC_PID"), r.toString());
                    assertEquals(dnsServer.id(), r.get("DST_PROC_CONTAINER_ID"), r.toString());
                }
                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, CT_TO_HOST_DNS)) {
                    assertEnd(r, "SRC", hostAsker.pid(), "sh", hostAsker);
                    assertEquals(Long.toString(hostDns.pid()), r.get("DST_PROC_PID"), r.toString());
                    assertEquals("", r.get("DST_PROC_CONTAINER_ID"), "a host process: " + r);
                }
                assertEquals(0, daemon.terminate(), daemon.output());
            }
        }
    }

    /**
     * One end of record r: in a container, a child (nc, nslookup) of the container's main process
     * (pid, named name); on the host (container null), the process pid itself.
     */
    private static void assertEnd(Map<String, String> r, String side, long pid, String name,
                                  PodmanFixture.Container container) {
        long netns = container == null ? netnsOf(ProcessHandle.current().pid()) : netns(container);
        assertEquals(Long.toString(netns), r.get("FLOWMON_" + side + "_PROC_NETNS"), "its socket's namespace: " + r);
        if (container == null) {
            assertEquals(Long.toString(pid), r.get(side + "_PROC_PID"), r.toString());
            assertEquals(name, r.get(side + "_PROC_NAME"), r.toString());
            assertEquals("", r.get(side + "_PROC_CONTAINER_ID"), "a host process: " + r);
            return;
        }
        assertEquals(Long.toString(pid), r.get(side + "_FATHER_PROC_PID"), "the container's shell: " + r);
        assertEquals(name, r.get(side + "_FATHER_PROC_NAME"), r.toString());
        assertEquals(container.id(), r.get(side + "_PROC_CONTAINER_ID"), r.toString());
        assertEquals("podman", r.get("FLOWMON_" + side + "_CONTAINER_RUNTIME"), r.toString());
    }

    /** A container's network namespace, read while it runs. */
    private static final Map<String, Long> NAMESPACES = new java.util.concurrent.ConcurrentHashMap<>();

    private static PodmanFixture.Container noted(PodmanFixture.Container c) {
        NAMESPACES.put(c.id(), netnsOf(c.pid()));
        return c;
    }

    private static long netns(PodmanFixture.Container c) {
        return NAMESPACES.get(c.id());
    }

    /** The network namespace (nsfs inode) process pid runs in. */
    private static long netnsOf(long pid) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino")).longValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Process host(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(dir.resolve(command[0] + ".err").toFile()).start();
        hostProcesses.add(p);
        return p;
    }
}
