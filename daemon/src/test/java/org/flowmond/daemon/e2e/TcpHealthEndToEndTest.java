package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TCP health end to end, against the kernel's own counters. The network:
 *
 * <pre>
 * fmths [fmths0 10.78.0.1] ==veth== [fmthc0 10.78.0.2] fmthc     the daemon runs in fmthc and counts
 *       server "fm-th-srv"              tbf 20mbit, 16k queue      there and in fmths
 * </pre>
 *
 * A 6 MB upload through a token bucket with a small queue on the client's veth loses segments for
 * real (tail drops after flowmond's egress hook), so the client retransmits; then an aborted
 * connection sends one RST. Each namespace's /proc/net/snmp is read before and after: it holds one
 * connection at a time, so its counters are the connection's. Expected, in the records counted in the
 * client's namespace: RETRANSMITTED_IN_PKTS = the client's Δ RetransSegs, RETRANSMITTED_OUT_PKTS = the
 * server's, the RST total = the client's Δ OutRsts; a handshake and the client socket's RTT are
 * present and consistent; the connect syscall record carries the same handshake and retransmissions.
 * A second daemon with {@code tcp-health.enabled = false} exports no TCP health at all.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpHealthEndToEndTest {
    private static final String SERVER_NS = "fmths";
    private static final String CLIENT_NS = "fmthc";
    private static final int PORT = 7401;
    private static final int UPLOAD = 6_000_000;

    private Path dir;
    private final List<ChildProcess> children = new ArrayList<>();
    private ChildProcess daemon;
    private long clientInode;
    private long bulkClientRetrans;
    private long bulkServerRetrans;
    private long rstClientResets;
    private long bulkPid;
    private List<Map<String, String>> json;
    private TsharkCapture ipfix;

    @BeforeAll
    void run() throws Exception {
        Privileges.requireRoot();
        removeNamespaces();
        dir = Files.createTempDirectory("flowmond-e2e-tcp-health");
        network();
        clientInode = ((Number) Files.getAttribute(Path.of("/run/netns", CLIENT_NS), "unix:ino")).longValue();
        ipfix = TsharkCapture.ipfix(dir, CLIENT_NS, "lo", 4739);
        daemon = startDaemon("flows.json", true);

        ChildProcess server = peer("server", SERVER_NS, "serve", "fm-th-srv", Integer.toString(PORT), "2", "100");
        server.awaitOutput("ready");
        Tools.run("ip", "netns", "exec", CLIENT_NS, "tc", "qdisc", "add", "dev", "fmthc0", "root", "tbf",
                "rate", "20mbit", "burst", "16k", "limit", "16k");
        long[] before = {snmp(CLIENT_NS, "Tcp", "RetransSegs"), snmp(SERVER_NS, "Tcp", "RetransSegs")};
        ChildProcess bulk = peer("bulk", CLIENT_NS, "tcp", "fm-th-bulk", "10.78.0.1", Integer.toString(PORT), "1", "0",
                Integer.toString(UPLOAD), "fin");
        bulkPid = bulk.pid();
        assertEquals(0, bulk.awaitExit(), bulk.output());
        bulkClientRetrans = snmp(CLIENT_NS, "Tcp", "RetransSegs") - before[0];
        bulkServerRetrans = snmp(SERVER_NS, "Tcp", "RetransSegs") - before[1];
        Tools.run("ip", "netns", "exec", CLIENT_NS, "tc", "qdisc", "del", "dev", "fmthc0", "root");

        long resetsBefore = snmp(CLIENT_NS, "Tcp", "OutRsts");
        ChildProcess abort = peer("abort", CLIENT_NS, "tcp", "fm-th-rst", "10.78.0.1", Integer.toString(PORT), "1", "0",
                "1000", "rst");
        assertEquals(0, abort.awaitExit(), abort.output());
        rstClientResets = snmp(CLIENT_NS, "Tcp", "OutRsts") - resetsBefore;
        assertEquals(0, server.awaitExit(), server.output());
        // the connect records' idle timeout (5 s: longer than the upload, so they hold all of its
        // retransmissions) passes: every flow is exported
        TimeUnit.SECONDS.sleep(6);
        assertEquals(0, daemon.terminate(), daemon.output());
        ipfix.stop();
        json = JsonRecords.read(dir.resolve("flows.json"));
    }

    @Test
    void theTokenBucketReallyMadeTheClientRetransmit() {
        assertTrue(bulkClientRetrans > 10, "the impairment produced only " + bulkClientRetrans + " retransmissions");
        assertEquals(1, rstClientResets);
    }

    @Test
    void retransmissionsEqualTheKernelsCountsPerSide() {
        Map<String, String> r = biflow("fm-th-bulk", clientInode);
        assertEquals(bulkClientRetrans, Long.parseLong(r.get("RETRANSMITTED_IN_PKTS")), r.toString());
        assertEquals(bulkServerRetrans, Long.parseLong(r.get("RETRANSMITTED_OUT_PKTS")), r.toString());
        assertTrue(Long.parseLong(r.get("RETRANSMITTED_IN_BYTES")) >= bulkClientRetrans, r.toString());
        assertEquals("0", r.get("FLOWMON_RST_IN_TOTAL"));
        assertEquals("0", r.get("FLOWMON_RST_OUT_TOTAL"));
    }

    @Test
    void theHandshakeIsMeasuredAndHalvedForNprobesLatencies() {
        Map<String, String> r = biflow("fm-th-bulk", clientInode);
        long server = Long.parseLong(r.get("FLOWMON_SERVER_HANDSHAKE_US"));
        long client = Long.parseLong(r.get("FLOWMON_CLIENT_HANDSHAKE_US"));
        assertTrue(server > 0 && server < 1_000_000, r.toString()); // SYN → SYN-ACK over a veth
        assertTrue(client > 0 && client < 1_000_000, r.toString()); // SYN-ACK → ACK: the client's stack
        assertEquals(millis(server / 2), r.get("SERVER_NW_LATENCY_MS"));
        assertEquals(millis(client / 2), r.get("CLIENT_NW_LATENCY_MS"));
    }

    @Test
    void theClientSocketsRttIsReported() {
        Map<String, String> r = biflow("fm-th-bulk", clientInode);
        long min = Long.parseLong(r.get("FLOWMON_RTT_MIN_US"));
        long mean = Long.parseLong(r.get("FLOWMON_RTT_MEAN_US"));
        long max = Long.parseLong(r.get("FLOWMON_RTT_MAX_US"));
        assertTrue(0 < min && min <= mean && mean <= max, r.toString());
        // a 16 KiB queue drained at 20 Mbit/s holds up to 6.5 ms: the smoothed RTT rises above the veth's µs
        assertTrue(max > 1000, r.toString());
    }

    @Test
    void anAbortedConnectionCountsItsReset() {
        Map<String, String> r = biflow("fm-th-rst", clientInode);
        assertEquals(rstClientResets, Long.parseLong(r.get("FLOWMON_RST_IN_TOTAL")), r.toString());
        assertEquals("0", r.get("FLOWMON_RST_OUT_TOTAL"), r.toString());
    }

    @Test
    void theConnectRecordCarriesTheConnectionsHealth() {
        Map<String, String> b = biflow("fm-th-bulk", clientInode);
        Map<String, String> s = json.stream()
                .filter(m -> "syscall".equals(m.get("FLOWMON_RECORD")) && "fm-th-bulk".equals(m.get("SRC_PROC_NAME")))
                .findFirst().orElseThrow(() -> new AssertionError("no connect record: " + json));
        assertEquals(Long.toString(bulkPid), s.get("SRC_PROC_PID"));
        assertEquals(b.get("FLOWMON_SERVER_HANDSHAKE_US"), s.get("FLOWMON_HANDSHAKE_WORST_US"), s.toString());
        assertEquals(b.get("FLOWMON_SERVER_HANDSHAKE_US"), s.get("FLOWMON_HANDSHAKE_MEAN_US"), s.toString());
        assertEquals(bulkClientRetrans + bulkServerRetrans, Long.parseLong(s.get("FLOWMON_RETRANSMITTED_PKTS")),
                s.toString());
    }

    @Test
    void wiresharksNtopDictionaryReadsTheSameValuesFromTheIpfixExport() {
        Map<String, String> r = biflow("fm-th-bulk", clientInode);
        List<Map<String, String>> records = ipfix.ipfixRecords().stream()
                .filter(m -> r.get("L4_SRC_PORT").equals(m.get("cflow.srcport"))
                        && r.get("RETRANSMITTED_IN_PKTS").equals(m.get("cflow.pie.ntop.retransmitted_in_pkts")))
                .toList();
        assertFalse(records.isEmpty(), "no IPFIX record of port " + r.get("L4_SRC_PORT") + " with the JSON's "
                + "retransmissions: " + ipfix.ipfixRecords());
        Map<String, String> x = records.get(0);
        assertEquals(r.get("RETRANSMITTED_OUT_PKTS"), x.get("cflow.pie.ntop.retransmitted_out_pkts"), x.toString());
        // whole milliseconds in IPFIX: half the handshake, rounded
        long halfServer = Math.round(Long.parseLong(r.get("FLOWMON_SERVER_HANDSHAKE_US")) / 2000.0);
        assertEquals(Long.toString(halfServer), x.get("cflow.pie.server_nw_latency_ms"), x.toString());
        assertEquals("", ipfix.ipfixProblems());
    }

    @Test
    void udpRecordsCarryNoTcpHealth() {
        // the daemon's own IPFIX export to 127.0.0.1 is UDP, counted on the client namespace's lo
        List<Map<String, String>> udp = json.stream().filter(m -> "17".equals(m.get("PROTOCOL"))).toList();
        assertFalse(udp.isEmpty(), json.toString());
        udp.forEach(m -> assertFalse(m.containsKey("RETRANSMITTED_IN_PKTS"), m.toString()));
    }

    @Test
    void switchedOffNothingOfItIsExported() throws Exception {
        ChildProcess off = startDaemon("off.json", false);
        ChildProcess server = peer("server-off", SERVER_NS, "serve", "fm-th-srv2", Integer.toString(PORT + 1), "1", "100");
        server.awaitOutput("ready");
        ChildProcess c = peer("client-off", CLIENT_NS, "tcp", "fm-th-off", "10.78.0.1", Integer.toString(PORT + 1), "1",
                "0", "5000", "fin");
        assertEquals(0, c.awaitExit(), c.output());
        TimeUnit.SECONDS.sleep(3); // linger: the biflow is exported (its connect record comes at SIGTERM)
        assertEquals(0, off.terminate(), off.output());
        List<Map<String, String>> records = JsonRecords.read(dir.resolve("off.json"));
        Map<String, String> r = records.stream()
                .filter(m -> "biflow".equals(m.get("FLOWMON_RECORD")) && "fm-th-off".equals(m.get("SRC_PROC_NAME")))
                .findFirst().orElseThrow(() -> new AssertionError(records.toString()));
        assertEquals("6", r.get("PROTOCOL"));
        assertFalse(r.keySet().stream().anyMatch(k -> k.startsWith("RETRANSMITTED") || k.contains("NW_LATENCY")
                || k.startsWith("FLOWMON_RTT") || k.contains("HANDSHAKE")), r.toString());
    }

    /** The one biflow record of client process {@code name} counted in namespace {@code netns}. */
    private Map<String, String> biflow(String name, long netns) {
        List<Map<String, String>> found = json.stream()
                .filter(m -> "biflow".equals(m.get("FLOWMON_RECORD")) && name.equals(m.get("SRC_PROC_NAME"))
                        && Long.toString(netns).equals(m.get("FLOWMON_NETNS")))
                .toList();
        assertEquals(1, found.size(), name + " in " + netns + ": " + json);
        return found.get(0);
    }

    /** nProbe's latency text: milliseconds with three decimals. */
    private static String millis(long micros) {
        return micros / 1000 + "." + String.format("%03d", micros % 1000);
    }

    private ChildProcess startDaemon(String jsonFile, boolean tcpHealth) throws Exception {
        Path conf = dir.resolve(jsonFile + ".conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = ["all"]
                  namespaces = ["%s"]
                  tcp-health.enabled = %s
                  flows { idle-timeout = 5s, active-timeout = 60s, fin-linger = 1s }
                  probes { tc-scan-interval = 200ms }
                  export { collectors = [{ host = "127.0.0.1", port = 4739 }] }
                  outputs { json-file = "%s" }
                }
                """.formatted(SERVER_NS, tcpHealth, dir.resolve(jsonFile)));
        ChildProcess d = ChildProcess.java(dir.resolve(jsonFile + ".log"), CLIENT_NS, "org.flowmond.daemon.Flowmond",
                "--config", conf.toString());
        children.add(d);
        d.awaitOutput("running with");
        return d;
    }

    /** The two namespaces joined by veth fmths0–fmthc0. */
    private static void network() {
        Tools.run("ip", "netns", "add", SERVER_NS);
        Tools.run("ip", "netns", "add", CLIENT_NS);
        Tools.run("ip", "link", "add", "fmths0", "netns", SERVER_NS, "type", "veth", "peer", "name", "fmthc0", "netns",
                CLIENT_NS);
        for (String[] side : new String[][] {{SERVER_NS, "fmths0", "10.78.0.1"}, {CLIENT_NS, "fmthc0", "10.78.0.2"}}) {
            Tools.run("ip", "netns", "exec", side[0], "ip", "link", "set", "lo", "up");
            Tools.run("ip", "netns", "exec", side[0], "ip", "addr", "add", side[2] + "/24", "dev", side[1]);
            Tools.run("ip", "netns", "exec", side[0], "ip", "link", "set", side[1], "up");
        }
    }

    /** One counter of /proc/net/snmp (or netstat's TcpExt) as namespace {@code ns} sees it. */
    static long snmp(String ns, String group, String name) {
        String file = group.equals("TcpExt") ? "/proc/net/netstat" : "/proc/net/snmp";
        String[] lines = Tools.run("ip", "netns", "exec", ns, "cat", file).split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(group + ":") && lines[i + 1].startsWith(group + ":")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < names.length; k++) {
                    if (names[k].equals(name)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new IllegalStateException(group + " " + name + " not in " + file + " of " + ns);
    }

    private ChildProcess peer(String name, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(name + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    private static void removeNamespaces() {
        for (String ns : List.of(SERVER_NS, CLIENT_NS)) {
            Tools.runUnchecked(List.of("ip", "netns", "del", ns));
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        children.forEach(ChildProcess::close);
        if (ipfix != null) {
            ipfix.close();
        }
        removeNamespaces();
        if (dir != null && !Privileges.inCi()) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
