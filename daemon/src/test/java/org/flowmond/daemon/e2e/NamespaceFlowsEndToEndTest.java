package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code flowmon.namespaces = ["all"]}, end to end. The daemon runs in namespace "host" (fmqh);
 * it counts there and in every other namespace it finds. The network:
 *
 * <pre>
 * fmqs1 [fmsrv 10.77.0.1] ==veth== [fmcli 10.77.0.2] fmqc1     two copies of one network, the same
 * fmqs2 [fmsrv 10.77.0.1] ==veth== [fmcli 10.77.0.2] fmqc2     names and addresses; the second is made
 *                                                              after the daemon started
 * fmqct [ct0 10.66.0.2] ==veth== [fmqvh]-(bridge fmqbr 10.66.0.1) fmqh   a container behind a bridge
 * </pre>
 *
 * UDP request/response in each copy (server in fmqsN, client in fmqcN, 10 × 100 bytes, answers of
 * 200): one biflow per counting namespace, exact packets and bytes, both PIDs, the namespace's inode.
 * The container asks a UDP server and a TCP server of the host: the flows counted in the host's
 * namespace (on the bridge side) name the container's process and the host's. When fmqc2 is deleted
 * the daemon detaches from it. On the host's own interfaces (the initial namespace is one of "all")
 * the daemon attaches too, TCX links that end with it.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceFlowsEndToEndTest {
    private static final List<String> NAMESPACES = List.of("fmqh", "fmqs1", "fmqc1", "fmqs2", "fmqc2", "fmqct");
    private static final int ASKS = 10;

    private Path dir;
    private ChildProcess daemon;
    private final List<ChildProcess> children = new ArrayList<>();
    private final Map<String, Long> inode = new HashMap<>();
    /** Port and copy (1, 2; 0: the container) → {client PID, server PID}. */
    private final Map<String, long[]> pids = new HashMap<>();
    private int daemonExit;
    private List<Map<String, String>> json;

    @BeforeAll
    void run() throws Exception {
        Privileges.requireRoot();
        removeNamespaces();
        dir = Files.createTempDirectory("flowmond-e2e-netns");
        Tools.run("ip", "netns", "add", "fmqh");
        exec("fmqh", "ip", "link", "set", "lo", "up");
        copy("fmqs1", "fmqc1");
        container();
        for (String ns : List.of("fmqh", "fmqs1", "fmqc1", "fmqct")) {
            inode.put(ns, inodeOf(ns));
        }

        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = ["all"]
                  namespaces = ["all"]
                  flows { idle-timeout = 2s, active-timeout = 60s, fin-linger = 1s }
                  probes { tc-scan-interval = 200ms }
                  export { collectors = [{ host = "127.0.0.1", port = 4739 }] }
                  outputs { json-file = "%s" }
                }
                """.formatted(dir.resolve("flows.json")));
        daemon = ChildProcess.java(dir.resolve("daemon.log"), "fmqh", "org.flowmond.daemon.Flowmond", "--config",
                conf.toString());
        daemon.awaitOutput("running with");
        assertTrue(daemon.output().contains(attachedTo("fmsrv", "fmqs1")), daemon.output());
        assertTrue(daemon.output().contains(attachedTo("fmqvh", null)), "the bridge port: " + daemon.output());

        copy("fmqs2", "fmqc2"); // after the start: found by the daemon's poll
        inode.put("fmqs2", inodeOf("fmqs2"));
        inode.put("fmqc2", inodeOf("fmqc2"));
        awaitLog(attachedTo("fmsrv", "fmqs2")); // (lo is attached first: the veth may come up a poll later)
        awaitLog(attachedTo("fmcli", "fmqc2"));

        List<ChildProcess> clients = new ArrayList<>();
        for (int copy = 1; copy <= 2; copy++) {
            ChildProcess server = peer("srv" + copy, "fmqs" + copy, "udp-echo", "fm-ns-srv" + copy, "0.0.0.0", "7301",
                    Integer.toString(ASKS));
            server.awaitOutput("ready");
            ChildProcess client = peer("cli" + copy, "fmqc" + copy, "udp-ask", "fm-ns-cli" + copy, "10.77.0.1", "7301",
                    Integer.toString(ASKS), "100", "50");
            pids.put("7301/" + copy, new long[] {client.pid(), server.pid()});
            clients.add(client);
        }
        ChildProcess udpHost = peer("host-udp", "fmqh", "udp-echo", "fm-host-udp", "0.0.0.0", "7302",
                Integer.toString(ASKS));
        ChildProcess tcpHost = peer("host-tcp", "fmqh", "serve", "fm-host-tcp", "7303", "1", "3000");
        udpHost.awaitOutput("ready");
        tcpHost.awaitOutput("ready");
        ChildProcess udpCt = peer("ct-udp", "fmqct", "udp-ask", "fm-ct-udp", "10.66.0.1", "7302",
                Integer.toString(ASKS), "100", "50");
        ChildProcess tcpCt = peer("ct-tcp", "fmqct", "tcp", "fm-ct-tcp", "10.66.0.1", "7303", "1", "0", "5000", "fin");
        pids.put("7302/0", new long[] {udpCt.pid(), udpHost.pid()});
        pids.put("7303/0", new long[] {tcpCt.pid(), tcpHost.pid()});
        clients.addAll(List.of(udpCt, tcpCt));
        for (ChildProcess c : clients) {
            assertEquals(0, c.awaitExit(), c.output());
        }
        TimeUnit.SECONDS.sleep(4); // idle timeout (2 s) and linger pass: every flow is exported

        Tools.run("ip", "netns", "del", "fmqc2"); // nothing runs in it any more: the namespace goes
        awaitLog("detached from network namespace " + inode.get("fmqc2"));
        daemonExit = daemon.terminate();
        json = readJson();
    }

    /** Namespaces {@code server} and {@code client} joined by veth fmsrv-fmcli, 10.77.0.1/24 and .2/24. */
    private static void copy(String server, String client) {
        Tools.run("ip", "netns", "add", server);
        Tools.run("ip", "netns", "add", client);
        Tools.run("ip", "link", "add", "fmsrv", "netns", server, "type", "veth", "peer", "name", "fmcli", "netns", client);
        for (String[] side : new String[][] {{server, "fmsrv", "10.77.0.1"}, {client, "fmcli", "10.77.0.2"}}) {
            exec(side[0], "ip", "link", "set", "lo", "up");
            exec(side[0], "ip", "addr", "add", side[2] + "/24", "dev", side[1]);
            exec(side[0], "ip", "link", "set", side[1], "up");
        }
    }

    /** fmqct's ct0 (10.66.0.2) is a veth whose peer fmqvh is a port of bridge fmqbr (10.66.0.1) in fmqh. */
    private static void container() {
        Tools.run("ip", "netns", "add", "fmqct");
        exec("fmqct", "ip", "link", "set", "lo", "up");
        exec("fmqh", "ip", "link", "add", "fmqbr", "type", "bridge");
        exec("fmqh", "ip", "addr", "add", "10.66.0.1/24", "dev", "fmqbr");
        exec("fmqh", "ip", "link", "set", "fmqbr", "up");
        exec("fmqh", "ip", "link", "add", "fmqvh", "type", "veth", "peer", "name", "ct0", "netns", "fmqct");
        exec("fmqh", "ip", "link", "set", "fmqvh", "master", "fmqbr");
        exec("fmqh", "ip", "link", "set", "fmqvh", "up");
        exec("fmqct", "ip", "addr", "add", "10.66.0.2/24", "dev", "ct0");
        exec("fmqct", "ip", "link", "set", "ct0", "up");
    }

    private static String exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return Tools.run(cmd);
    }

    private static long inodeOf(String ns) throws Exception {
        return ((Number) Files.getAttribute(Path.of("/run/netns", ns), "unix:ino")).longValue();
    }

    /** The daemon's log line for a veth attached in namespace {@code ns} (null: its own). */
    private static String attachedTo(String veth, String ns) {
        return "attached to " + veth + " (ifindex " + (ns == null ? "" : "2, Ethernet) in netns /run/netns/" + ns);
    }

    private void awaitLog(String text) throws Exception {
        for (int i = 0; i < 150 && !daemon.output().contains(text); i++) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the daemon's 2 s namespace poll, not a timed assertion
        }
        assertTrue(daemon.output().contains(text), "'" + text + "' not in the log:\n" + daemon.output());
    }

    private ChildProcess peer(String name, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(name + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    private List<Map<String, String>> readJson() throws Exception {
        return JsonRecords.read(dir.resolve("flows.json"));
    }

    private static void removeNamespaces() {
        for (String ns : NAMESPACES) {
            Tools.runUnchecked(List.of("ip", "netns", "del", ns));
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        children.forEach(ChildProcess::close);
        if (daemon != null) {
            daemon.close();
        }
        removeNamespaces();
        if (dir != null && !Privileges.inCi()) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The biflow records to {@code port} counted in namespace {@code ns}. */
    private List<Map<String, String>> records(int port, String ns) {
        return json.stream().filter(r -> "biflow".equals(r.get("FLOWMON_RECORD"))
                && Integer.toString(port).equals(r.get("L4_DST_PORT"))
                && Long.toString(inode.get(ns)).equals(r.get("FLOWMON_NETNS"))).toList();
    }

    private static long sum(List<Map<String, String>> recs, String field) {
        return recs.stream().mapToLong(r -> Long.parseLong(r.getOrDefault(field, "0"))).sum();
    }

    private void assertBothPids(List<Map<String, String>> recs, long[] pid, String what) {
        for (Map<String, String> r : recs) {
            assertEquals(Long.toString(pid[0]), r.get("SRC_PROC_PID"), what + ": the client: " + r);
            assertEquals(Long.toString(pid[1]), r.get("DST_PROC_PID"), what + ": the server: " + r);
        }
    }

    @Test
    void theDaemonEndedCleanly() throws Exception {
        assertEquals(0, daemonExit, daemon.output());
    }

    @Test
    void identicalAddressesInTwoNamespacesAreSeparateFlowsWithExactCounts() {
        assertNotEquals(inode.get("fmqs1"), inode.get("fmqs2"));
        for (int copy = 1; copy <= 2; copy++) {
            for (String ns : List.of("fmqs" + copy, "fmqc" + copy)) {
                List<Map<String, String>> recs = records(7301, ns);
                assertFalse(recs.isEmpty(), "no record counted in " + ns + ": " + json);
                String what = "copy " + copy + " counted in " + ns;
                assertEquals(ASKS, sum(recs, "IN_PKTS"), what + ": requests " + recs);
                assertEquals(ASKS * (100 + 28), sum(recs, "IN_BYTES"), what);
                assertEquals(ASKS, sum(recs, "OUT_PKTS"), what + ": answers " + recs);
                assertEquals(ASKS * (200 + 28), sum(recs, "OUT_BYTES"), what);
                assertTrue(recs.stream().allMatch(r -> "10.77.0.2".equals(r.get("IPV4_SRC_ADDR"))
                        && "10.77.0.1".equals(r.get("IPV4_DST_ADDR"))), what + ": " + recs);
                assertBothPids(recs, pids.get("7301/" + copy), what);
            }
        }
    }

    @Test
    void aContainersFlowCountedOnTheHostSideNamesTheContainersProcess() {
        List<Map<String, String>> udp = records(7302, "fmqh");
        assertFalse(udp.isEmpty(), "no UDP record counted in the host's namespace: " + json);
        assertEquals(ASKS, sum(udp, "IN_PKTS"), udp.toString());
        assertEquals(ASKS, sum(udp, "OUT_PKTS"), udp.toString());
        assertBothPids(udp, pids.get("7302/0"), "UDP, host side");
        List<Map<String, String>> tcp = records(7303, "fmqh");
        assertFalse(tcp.isEmpty(), "no TCP record counted in the host's namespace: " + json);
        assertBothPids(tcp, pids.get("7303/0"), "TCP, host side");
        assertEquals(ASKS, sum(records(7302, "fmqct"), "IN_PKTS"), "counted in the container's namespace too");
    }
}
