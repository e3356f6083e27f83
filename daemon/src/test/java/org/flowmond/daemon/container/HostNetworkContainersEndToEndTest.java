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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Podman containers on the host's network ({@code --network host}): their sockets are in the
 * host's namespace, their packets cross lo. UDP (DNS) between two containers, UDP from a container
 * to a host process, TCP from a host process to a container: every record names both processes,
 * the container's ID and runtime (none for the host process) and the host's namespace for both
 * sockets and for the counting. (TCP between two containers: {@link ContainerFlowEndToEndTest}.)
 * Root, BPF, podman; run under the kernel-test lock.
 */
@RootTest
@Timeout(180)
class HostNetworkContainersEndToEndTest {
    private static final int CT_TO_CT_DNS = 7781;
    private static final int CT_TO_HOST_DNS = 7782;
    private static final int HOST_TO_CT_TCP = 7783;

    @TempDir
    Path dir;
    private final List<Process> hostProcesses = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        hostProcesses.forEach(Process::destroyForcibly);
    }

    @Test
    void udpAndTcpOfContainersOnTheHostNetworkNameTheirContainers() throws Exception {
        String prefix = "fm-hostnet-" + ProcessHandle.current().pid();
        String hostNetns = Long.toString(((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino"))
                .longValue());
        try (PodmanFixture podman = PodmanFixture.start()) {
            Path json = dir.resolve("flows.json");
            try (ChildProcess daemon = ContainerRecords.startDaemon(dir, "lo", json)) {
                PodmanFixture.Container dnsServer = podman.run(prefix + "-dnsd", "host", PodmanFixture.HOST_USR,
                        "python3", "-c", ContainerRecords.DNS_SERVER, "127.0.0.1", Integer.toString(CT_TO_CT_DNS));
                Process hostDns = host("python3", "-c", ContainerRecords.DNS_SERVER, "127.0.0.1",
                        Integer.toString(CT_TO_HOST_DNS));
                assertEquals("ready", new String(hostDns.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
                // each container outlives its client by some seconds: its identity is read while its cgroup exists
                PodmanFixture.Container tcpServer = podman.run(prefix + "-tcp", "host", List.of(), "sh", "-c",
                        "nc -l -p " + HOST_TO_CT_TCP + " > /dev/null; sleep 8");
                PodmanFixture.Container asker = podman.run(prefix + "-ask", "host", List.of(), "sh", "-c",
                        "sleep 1; nslookup -port=" + CT_TO_CT_DNS + " flowmond.test 127.0.0.1; nslookup -port="
                                + CT_TO_HOST_DNS + " flowmond.test 127.0.0.1; sleep 8");
                Process tcpClient = host("bash", "-c", "sleep 1; exec 3<>/dev/tcp/127.0.0.1/" + HOST_TO_CT_TCP
                        + "; printf hello-container >&3; exec 3>&-");
                assertEquals(0, tcpClient.waitFor(), "the host's TCP client");

                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, CT_TO_CT_DNS)) {
                    assertEquals(Integer.toString(asker.pid()), r.get("SRC_FATHER_PROC_PID"), "nslookup's shell: " + r);
                    assertEquals(asker.id(), r.get("SRC_PROC_CONTAINER_ID"), r.toString());
                    assertEquals(Integer.toString(dnsServer.pid()), r.get("DST_PROC_PID"), r.toString());
                    assertEquals(dnsServer.id(), r.get("DST_PROC_CONTAINER_ID"), r.toString());
                    assertNamespaces(r, hostNetns);
                }
                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, CT_TO_HOST_DNS)) {
                    assertEquals(asker.id(), r.get("SRC_PROC_CONTAINER_ID"), r.toString());
                    assertEquals("podman", r.get("FLOWMON_SRC_CONTAINER_RUNTIME"), r.toString());
                    assertEquals(Long.toString(hostDns.pid()), r.get("DST_PROC_PID"), r.toString());
                    assertEquals("", r.get("DST_PROC_CONTAINER_ID"), "a host process: " + r);
                    assertNamespaces(r, hostNetns);
                }
                for (Map<String, String> r : ContainerRecords.awaitBiflows(json, daemon, HOST_TO_CT_TCP)) {
                    assertEquals(Long.toString(tcpClient.pid()), r.get("SRC_PROC_PID"), r.toString());
                    assertEquals("", r.get("SRC_PROC_CONTAINER_ID"), "a host process: " + r);
                    assertEquals(Integer.toString(tcpServer.pid()), r.get("DST_FATHER_PROC_PID"), "nc's shell: " + r);
                    assertEquals(tcpServer.id(), r.get("DST_PROC_CONTAINER_ID"), r.toString());
                    assertNamespaces(r, hostNetns);
                }
                assertEquals(0, daemon.terminate(), daemon.output());
            }
        }
    }

    /** Both sockets and the counting are in the host's namespace. */
    private static void assertNamespaces(Map<String, String> r, String hostNetns) {
        assertEquals(hostNetns, r.get("FLOWMON_NETNS"), r.toString());
        assertEquals(hostNetns, r.get("FLOWMON_SRC_PROC_NETNS"), r.toString());
        assertEquals(hostNetns, r.get("FLOWMON_DST_PROC_NETNS"), r.toString());
    }

    private Process host(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(dir.resolve(command[0] + ".err").toFile()).start();
        hostProcesses.add(p);
        return p;
    }
}
