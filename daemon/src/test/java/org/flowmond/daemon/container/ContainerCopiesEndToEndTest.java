package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two copies of one private network, each a server namespace (10.79.0.1) and a client namespace
 * (10.79.0.2) joined by a veth, the same names of devices and addresses in both: Podman containers
 * join them ({@code --network ns:/run/netns/NAME}), a TCP server ({@code nc}) and a DNS responder
 * on the server side, a TCP client and {@code nslookup} on the client side. The daemon counts in
 * every namespace ({@code namespaces = ["all"]}). Each connection is counted in its copy's two
 * namespaces and in no other: two biflows per copy and port, their counting namespace the copy's.
 * The end whose socket is in the counting namespace names its own copy's container and process and
 * that namespace; the other end, found across namespaces, names its own copy's or (while both
 * copies' servers listen on 10.79.0.1 at once, an address alone cannot tell them) none, never the
 * other copy's. Root, BPF, podman; run under the kernel-test lock.
 */
@RootTest
@Timeout(240)
class ContainerCopiesEndToEndTest {
    private static final int TCP_PORT = 7771;
    private static final int DNS_PORT = 7773;
    private static final String SERVER_IP = "10.79.0.1";
    private final String tag = Long.toString(ProcessHandle.current().pid() % 100000);

    @TempDir
    Path dir;

    /** One copy of the network: its namespaces' names. */
    private record Copy(String serverNs, String clientNs) {
    }

    private final List<Copy> copies = List.of(new Copy("fmcs1-" + tag, "fmcc1-" + tag),
            new Copy("fmcs2-" + tag, "fmcc2-" + tag));

    @BeforeEach
    void network() {
        cleanUp();
        for (Copy c : copies) {
            Tools.run("ip", "netns", "add", c.serverNs);
            Tools.run("ip", "netns", "add", c.clientNs);
            Tools.run("ip", "link", "add", "eth0", "netns", c.serverNs, "type", "veth", "peer", "name", "eth0",
                    "netns", c.clientNs);
            for (String[] side : new String[][] {{c.serverNs, SERVER_IP}, {c.clientNs, "10.79.0.2"}}) {
                Tools.run("ip", "-n", side[0], "addr", "add", side[1] + "/24", "dev", "eth0");
                Tools.run("ip", "-n", side[0], "link", "set", "eth0", "up");
                Tools.run("ip", "-n", side[0], "link", "set", "lo", "up");
            }
        }
    }

    @AfterEach
    void cleanUp() {
        for (Copy c : copies) {
            Tools.runUnchecked(List.of("ip", "netns", "del", c.serverNs));
            Tools.runUnchecked(List.of("ip", "netns", "del", c.clientNs));
        }
    }

    @Test
    void identicalAddressesInTwoCopiesAreSeparateFlowsNamingTheirOwnContainers() throws Exception {
        String prefix = "fm-copy-" + tag;
        try (PodmanFixture podman = PodmanFixture.start()) {
            Path json = dir.resolve("flows.json");
            try (ChildProcess daemon = ContainerRecords.startDaemon(dir, "\"all\"", json, "\"all\"")) {
                Map<String, PodmanFixture.Container[]> started = new HashMap<>();
                for (int n = 1; n <= copies.size(); n++) {
                    Copy c = copies.get(n - 1);
                    awaitAttached(daemon, c);
                    String server = "ns:/run/netns/" + c.serverNs;
                    String client = "ns:/run/netns/" + c.clientNs;
                    // each container outlives its client or server by some seconds: its identity is read
                    // while its cgroup exists
                    PodmanFixture.Container tcpServer = podman.run(prefix + "-tcp" + n, server, List.of(), "sh", "-c",
                            "nc -l -p " + TCP_PORT + " > /dev/null; sleep 8");
                    PodmanFixture.Container dnsServer = podman.run(prefix + "-dns" + n, server,
                            PodmanFixture.HOST_USR, "python3", "-c", ContainerRecords.DNS_SERVER, SERVER_IP,
                            Integer.toString(DNS_PORT));
                    PodmanFixture.Container tcpClient = podman.run(prefix + "-cli" + n, client, List.of(), "sh", "-c",
                            "sleep 1; echo hello-copy | nc " + SERVER_IP + " " + TCP_PORT + "; sleep 8");
                    PodmanFixture.Container asker = podman.run(prefix + "-ask" + n, client, List.of(), "sh", "-c",
                            "sleep 1; nslookup -port=" + DNS_PORT + " flowmond.test " + SERVER_IP + "; sleep 8");
                    started.put(TCP_PORT + "/" + n, new PodmanFixture.Container[] {tcpClient, tcpServer});
                    started.put(DNS_PORT + "/" + n, new PodmanFixture.Container[] {asker, dnsServer});
                }
                for (int port : new int[] {TCP_PORT, DNS_PORT}) {
                    for (int n = 1; n <= copies.size(); n++) {
                        assertCopy(json, daemon, port, copies.get(n - 1), started.get(port + "/" + n));
                    }
                }
                assertEquals(0, daemon.terminate(), daemon.output());
            }
        }
    }

    /**
     * The records to {@code port} counted in copy c's namespaces: one per namespace, each naming c's
     * client and server containers, their processes (the containers' shells' children, or the
     * container's own process for the DNS responder) and the namespaces their sockets live in.
     */
    private void assertCopy(Path json, ChildProcess daemon, int port, Copy c, PodmanFixture.Container[] ends)
            throws Exception {
        long serverNs = inode(c.serverNs);
        long clientNs = inode(c.clientNs);
        List<Map<String, String>> records = awaitBoth(json, daemon, port, Set.of(serverNs, clientNs));
        for (Map<String, String> r : records) {
            String what = "copy " + c + ", port " + port + ": " + r;
            boolean inClientNs = r.get("FLOWMON_NETNS").equals(Long.toString(clientNs));
            String serverPidField = port == TCP_PORT ? "DST_FATHER_PROC_PID" : "DST_PROC_PID";
            assertEnd(r, "SRC", ends[0], "SRC_FATHER_PROC_PID", clientNs, inClientNs, what);
            assertEnd(r, "DST", ends[1], serverPidField, serverNs, !inClientNs, what);
        }
    }

    /**
     * One end of record r: container c, its process in pidField, its socket in namespace netns;
     * exactly so if {@code counted} (its socket is in the counting namespace), else that or nothing.
     */
    private static void assertEnd(Map<String, String> r, String side, PodmanFixture.Container c, String pidField,
                                  long netns, boolean counted, String what) {
        String container = r.get(side + "_PROC_CONTAINER_ID");
        if (!counted && (container == null || container.isEmpty())) {
            assertEquals("0", r.getOrDefault(side + "_PROC_PID", "0"), "no owner, or its own copy's: " + what);
            return;
        }
        assertEquals(c.id(), container, what);
        assertEquals(Integer.toString(c.pid()), r.get(pidField), what);
        assertEquals(Long.toString(netns), r.get("FLOWMON_" + side + "_PROC_NETNS"), what);
    }

    /** The biflow records to {@code port} counted in {@code namespaces}, once there is one per namespace. */
    private static List<Map<String, String>> awaitBoth(Path json, ChildProcess daemon, int port, Set<Long> namespaces)
            throws Exception {
        List<Map<String, String>> mine = List.of();
        for (int i = 0; i < 100; i++) {
            mine = ContainerRecords.awaitBiflows(json, daemon, port).stream()
                    .filter(r -> namespaces.contains(Long.parseLong(r.getOrDefault("FLOWMON_NETNS", "0")))).toList();
            if (mine.stream().map(r -> r.get("FLOWMON_NETNS")).distinct().count() == namespaces.size()) {
                break;
            }
            Thread.sleep(100); // waiting for the daemon's export, not a timed assertion
        }
        Set<String> counted = mine.stream().map(r -> r.get("FLOWMON_NETNS")).collect(Collectors.toSet());
        assertEquals(namespaces.stream().map(Object::toString).collect(Collectors.toSet()), counted,
                "counted in the copy's two namespaces: " + mine);
        assertTrue(mine.size() >= namespaces.size(), mine.toString());
        return mine;
    }

    /** Waits for the daemon to count in both of c's namespaces (its 2 s poll finds new namespaces). */
    private static void awaitAttached(ChildProcess daemon, Copy c) throws Exception {
        for (String ns : List.of(c.serverNs, c.clientNs)) {
            String line = "attached to eth0 (ifindex 2, Ethernet) in netns /run/netns/" + ns;
            for (int i = 0; i < 100 && !daemon.output().contains(line); i++) {
                Thread.sleep(100); // waiting for the daemon's namespace poll, not a timed assertion
            }
            assertTrue(daemon.output().contains(line), "'" + line + "' not in the log:\n" + daemon.output());
        }
    }

    private static long inode(String ns) throws Exception {
        return ((Number) Files.getAttribute(Path.of("/run/netns", ns), "unix:ino")).longValue();
    }
}
