package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Podman containers in a network namespace of their own ({@code --network ns:/run/netns/NAME}),
 * joined to the host by a veth pair; the daemon counts on the host's end of the veth, where the
 * container's packets arrive without their socket. Each record still names the container's
 * process and container (the kernel finds the socket's owner by 5-tuple across namespaces) and
 * the host's process: TCP from the host to a server in a container, UDP (DNS) from a client in a
 * container to a server on the host. Root, BPF, podman; run under the kernel-test lock.
 */
@RootTest
@Timeout(180)
class ContainerNamespaceEndToEndTest {
    private static final int TCP_PORT = 7741;
    private static final int DNS_PORT = 7753;

    @TempDir
    Path dir;
    private final String ns = "fmctn" + ProcessHandle.current().pid();
    private final String hostIf = "fmch" + ProcessHandle.current().pid() % 100000;
    private final String hostIp = "10.78.0.1";
    private final String containerIp = "10.78.0.2";
    private final List<Process> hostProcesses = new ArrayList<>();

    @BeforeEach
    void namespace() {
        Tools.runUnchecked(List.of("ip", "netns", "del", ns));
        Tools.run("ip", "netns", "add", ns);
        Tools.run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Tools.run("ip", "addr", "add", hostIp + "/24", "dev", hostIf);
        Tools.run("ip", "link", "set", hostIf, "up");
        Tools.run("ip", "-n", ns, "addr", "add", containerIp + "/24", "dev", "eth0");
        Tools.run("ip", "-n", ns, "link", "set", "eth0", "up");
        Tools.run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void cleanUp() {
        hostProcesses.forEach(Process::destroyForcibly);
        Tools.runUnchecked(List.of("ip", "link", "del", hostIf));
        Tools.runUnchecked(List.of("ip", "netns", "del", ns));
    }

    @Test
    void recordsCountedOnTheHostSideNameTheContainersProcessAndContainer() throws Exception {
        String prefix = "fm-ns-" + ProcessHandle.current().pid();
        try (PodmanFixture podman = PodmanFixture.start()) {
            Path json = dir.resolve("flows.json");
            try (ChildProcess daemon = ContainerRecords.startDaemon(dir, hostIf, json)) {
                String network = "ns:/run/netns/" + ns;

                // TCP: a host process connects to a server in the container
                PodmanFixture.Container server = podman.run(prefix + "-srv", network, List.of(),
                        "nc", "-l", "-p", Integer.toString(TCP_PORT));
                awaitListening(TCP_PORT);
                Process client = host("bash", "-c", "exec 3<>/dev/tcp/" + containerIp + "/" + TCP_PORT
                        + "; printf hello-container >&3; sleep 1; exec 3>&-");
                assertEquals(0, client.waitFor(), "the host's TCP client");
                Map<String, String> tcp = ContainerRecords.awaitBiflows(json, daemon, TCP_PORT).get(0);
                assertEquals(Long.toString(client.pid()), tcp.get("SRC_PROC_PID"), tcp.toString());
                assertEquals("bash", tcp.get("SRC_PROC_NAME"), tcp.toString());
                assertEquals("", tcp.get("SRC_PROC_CONTAINER_ID"), "a host process: " + tcp);
                assertEquals(Integer.toString(server.pid()), tcp.get("DST_PROC_PID"), tcp.toString());
                assertEquals("nc", tcp.get("DST_PROC_NAME"), tcp.toString());
                assertEquals(server.id(), tcp.get("DST_PROC_CONTAINER_ID"), tcp.toString());
                assertEquals("podman", tcp.get("FLOWMON_DST_CONTAINER_RUNTIME"), tcp.toString());

                // UDP: a client in the container asks a DNS server on the host
                Process dns = host("python3", "-c", ContainerRecords.DNS_SERVER, hostIp, Integer.toString(DNS_PORT));
                assertEquals("ready", new String(dns.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
                // the container outlives nslookup by a few seconds: a container's identity is read while
                // its cgroup exists (Podman removes it when the container exits)
                PodmanFixture.Container resolver = podman.run(prefix + "-dns", network, List.of(),
                        "sh", "-c", "sleep 1; nslookup -port=" + DNS_PORT + " flowmond.test " + hostIp + "; sleep 5");
                Map<String, String> udp = ContainerRecords.awaitBiflows(json, daemon, DNS_PORT).get(0);
                assertEquals("17", udp.get("PROTOCOL"), udp.toString());
                assertEquals(Integer.toString(resolver.pid()), udp.get("SRC_FATHER_PROC_PID"), "the container's shell: " + udp);
                assertEquals("nslookup", udp.get("SRC_PROC_NAME"), udp.toString());
                assertEquals(resolver.id(), udp.get("SRC_PROC_CONTAINER_ID"), udp.toString());
                assertEquals(Long.toString(dns.pid()), udp.get("DST_PROC_PID"), udp.toString());
                assertEquals("", udp.get("DST_PROC_CONTAINER_ID"), "a host process: " + udp);
                assertEquals(0, daemon.terminate(), daemon.output());
            }
        }
    }

    private Process host(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(dir.resolve(command[0] + ".err").toFile()).start();
        hostProcesses.add(p);
        return p;
    }

    private void awaitListening(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (!Tools.run("ip", "netns", "exec", ns, "ss", "-Hltn", "sport = :" + port).isBlank()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the container to start, not a timed assertion
        }
        throw new AssertionError("nothing listens on port " + port + " in the container");
    }
}
