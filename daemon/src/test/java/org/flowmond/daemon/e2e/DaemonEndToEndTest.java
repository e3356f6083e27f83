package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Nfacctd;
import org.flowmond.testing.Nfcapd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.TsharkCapture;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The daemon as users run it: {@code java ... org.flowmond.daemon.Flowmond --config test.conf},
 * as a process in network namespace A of a veth pair, counting on the veth and on A's loopback,
 * exporting IPFIX to nfcapd and to pmacct's nfacctd on A's loopback (with tshark watching the
 * messages to nfcapd), and real
 * traffic from child processes of known PID in A (clients) and B (servers). One daemon run
 * carries every scenario; each test method checks one of them:
 *
 * <pre>
 * port 7001  TCP, 10000 bytes up, 20000 down, FIN both ways   → flowEndReason 3, counts = capture
 * port 7002  TCP, 5000 bytes up, then RST                     → flowEndReason 3
 * port 7003  TCP, 5 connects 400 ms apart                     → syscall flow count 5, MTBS ≈ 400 ms
 * port 7004  UDP, 3 datagrams then silence                    → flowEndReason 1 (idle)
 * port 7005  TCP stream of 1000 bytes / 100 ms for 7 s        → flowEndReason 2 (active) records, then 3
 * port 7006  TCP connection still sending at SIGTERM          → flowEndReason 4 (forced end)
 * port 7007  TCP over loopback                                → both processes, client as SRC, server as DST
 * port 7008  TCP over IPv6, FIN                               → IPv6 record, processes, counts = capture
 * </pre>
 * Offloads are off on the veth so that a packet at the hook is a packet on the wire, as in the capture.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonEndToEndTest {
    private static final Pattern FIELD = Pattern.compile("\"([A-Z0-9_]+)\":(\"[^\"]*\"|-?[0-9]+)");
    private static final String[] IPFIX_FIELDS = {"cflow.srcaddr", "cflow.dstaddr", "cflow.srcport", "cflow.dstport",
        "cflow.srcaddrv6", "cflow.dstaddrv6", "cflow.protocol", "cflow.packets", "cflow.octets", "cflow.post_packets", "cflow.post_octets",
        "cflow.flow_end_reason", "cflow.pie.ntop.src_proc_id", "cflow.pie.ntop.src_proc_name",
        "cflow.pie.ntop.dst_proc_pid", "cflow.pie.ntop.dst_proc_name"};

    private Path dir;
    private VethPair veth;
    private Nfcapd nfcapd;
    private Nfacctd nfacctd;
    private List<Map<String, String>> pmacctRows;
    private String pmacctLog;
    private TsharkCapture ipfixCapture;
    private TsharkCapture trafficCapture;
    private ChildProcess daemon;
    private final List<ChildProcess> children = new ArrayList<>();
    private int daemonExit;
    private String nfcapdLog;
    private String ipfixProblems;
    private List<Map<String, String>> jsonRecords;
    private List<Map<String, String>> ipfixRecords;
    private List<Map<String, String>> healthRecords;
    private long daemonPid;
    private List<Map<String, String>> nfdumpFlows;
    private Map<String, long[]> captured;
    private long finClient;
    private long finServer;
    private long repeatClient;
    private long loClient;
    private long loServer;
    private long v6Client;
    private String tables;
    /** The wall clock when the daemon was started and when it had exited: every record's times lie between. */
    private long runStartMillis;
    private long runEndMillis;

    @BeforeAll
    void runTheDaemonThroughEveryScenario() throws Exception {
        Privileges.requireRoot();
        for (String tool : new String[] {"tshark", "nfcapd", "nfdump", "nfacctd", "ethtool"}) {
            Privileges.requireTool(tool);
        }
        dir = Files.createTempDirectory("flowmond-e2e");
        veth = VethPair.create("fme");
        VethPair.exec(veth.nsA, "ethtool", "-K", veth.ifA, "tso", "off", "gso", "off", "gro", "off");
        VethPair.exec(veth.nsB, "ethtool", "-K", veth.ifB, "tso", "off", "gso", "off", "gro", "off");
        nfcapd = Nfcapd.start(dir, veth.nsA);
        nfacctd = FlowmondPrimitives.nfacctd(dir, veth.nsA, 32473);
        // readiness probes go to a port next to the collector's, so nfcapd never sees them
        ipfixCapture = TsharkCapture.start(dir, veth.nsA, "lo", nfcapd.port,
                "udp port " + nfcapd.port + " or udp port " + (nfcapd.port + 1), "127.0.0.1", nfcapd.port + 1);
        trafficCapture = TsharkCapture.start(dir, veth.nsA, veth.ifA, 7000,
                "portrange 7001-7006 or port 7008 or udp port 7010", veth.ipv4B, 7010);
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = [%s, lo]
                  flows { idle-timeout = 2s, active-timeout = 3s, fin-linger = 1s }
                  probes { tc-scan-interval = 200ms }
                  export {
                    collectors = [{ host = "127.0.0.1", port = %d }, { host = "127.0.0.1", port = %d }]
                    biflow = ntop
                    enterprise-id = 32473
                  }
                  outputs { json-file = "%s", table-file = "%s" }
                  stats { interval = 5s }
                }
                """.formatted(veth.ifA, nfcapd.port, nfacctd.port, dir.resolve("flows.json"), dir.resolve("tables.txt")));
        runStartMillis = System.currentTimeMillis();
        daemon = ChildProcess.java(dir.resolve("daemon.log"), veth.nsA, "org.flowmond.daemon.Flowmond", "--config",
                conf.toString());
        daemon.awaitOutput("running with");
        daemonPid = daemon.pid(); // ip netns exec execs java: the same process

        ChildProcess finSrv = peer("srv-fin", veth.nsB, "serve", "fm-srv-fin", "7001", "1", "20000");
        ChildProcess rstSrv = peer("srv-rst", veth.nsB, "serve", "fm-srv-rst", "7002", "1", "0");
        ChildProcess repSrv = peer("srv-rep", veth.nsB, "serve", "fm-srv-rep", "7003", "5", "100");
        ChildProcess strSrv = peer("srv-str", veth.nsB, "serve", "fm-srv-str", "7005", "1", "0");
        ChildProcess holdSrv = peer("srv-hold", veth.nsB, "serve", "fm-srv-hold", "7006", "1", "0");
        ChildProcess loSrv = peer("srv-lo", veth.nsA, "serve", "fm-lo-srv", "7007", "1", "3000");
        ChildProcess v6Srv = peer("srv-v6", veth.nsB, "serve", "fm-srv-v6", "7008", "1", "7000");
        for (ChildProcess s : List.of(finSrv, rstSrv, repSrv, strSrv, holdSrv, loSrv, v6Srv)) {
            s.awaitOutput("ready");
        }
        finServer = finSrv.pid();
        loServer = loSrv.pid();

        ChildProcess stream = peer("cli-str", veth.nsA, "stream", "fm-cli-str", veth.ipv4B, "7005", "7");
        ChildProcess fin = peer("cli-fin", veth.nsA, "tcp", "fm-cli-fin", veth.ipv4B, "7001", "1", "0", "10000", "fin");
        ChildProcess rst = peer("cli-rst", veth.nsA, "tcp", "fm-cli-rst", veth.ipv4B, "7002", "1", "0", "5000", "rst");
        ChildProcess rep = peer("cli-rep", veth.nsA, "tcp", "fm-cli-rep", veth.ipv4B, "7003", "5", "400", "1000", "fin");
        ChildProcess udp = peer("cli-udp", veth.nsA, "udp", "fm-cli-udp", veth.ipv4B, "7004", "3", "200");
        ChildProcess hold = peer("cli-hold", veth.nsA, "tcp", "fm-cli-hold", veth.ipv4B, "7006", "1", "0", "500", "hold");
        ChildProcess lo = peer("cli-lo", veth.nsA, "tcp", "fm-lo-cli", "127.0.0.1", "7007", "1", "0", "2000", "fin");
        ChildProcess v6 = peer("cli-v6", veth.nsA, "tcp", "fm-cli-v6", veth.ipv6B, "7008", "1", "0", "6000", "fin");
        v6Client = v6.pid();
        finClient = fin.pid();
        repeatClient = rep.pid();
        loClient = lo.pid();
        for (ChildProcess c : List.of(fin, rst, rep, udp, lo, v6, stream)) {
            assertEquals(0, c.awaitExit(), c.output());
        }
        hold.awaitOutput("holding");
        // idle (2 s) and linger (1 s) pass for what ended; the held connection stays open
        TimeUnit.SECONDS.sleep(4);
        daemonExit = daemon.terminate();
        runEndMillis = System.currentTimeMillis();
        hold.close();

        ipfixCapture.stop();
        trafficCapture.stop();
        nfcapdLog = nfcapd.stop();
        pmacctRows = nfacctd.stopAndRead();
        pmacctLog = nfacctd.log();
        ipfixRecords = ipfixCapture.ipfixRecords(IPFIX_FIELDS);
        healthRecords = ipfixCapture.recordsWithEnterpriseElement(110); // flowmond flowsActive
        ipfixProblems = ipfixCapture.ipfixProblems().strip();
        captured = trafficCapture.packetsAndBytesByDirection();
        nfdumpFlows = nfcapd.flows();
        jsonRecords = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("flows.json"), StandardCharsets.UTF_8)) {
            jsonRecords.add(json(line));
        }
        tables = Files.readString(dir.resolve("tables.txt"), StandardCharsets.UTF_8);
    }

    private ChildProcess peer(String name, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(name + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (ChildProcess c : children) {
            c.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {ipfixCapture, trafficCapture, nfcapd, nfacctd, veth}) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null && !Privileges.inCi()) {
            try (var files = Files.walk(dir)) { // kept in CI, where the logs explain a failure
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> json(String line) {
        Map<String, String> m = new java.util.HashMap<>();
        Matcher x = FIELD.matcher(line);
        while (x.find()) {
            String v = x.group(2);
            m.put(x.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }

    /** IPFIX biflow records with this server port (not the syscall records, which have no source port). */
    private List<Map<String, String>> ipfix(int dstPort) {
        return ipfixRecords.stream().filter(r -> Integer.toString(dstPort).equals(r.get("cflow.dstport"))
                && r.get("cflow.srcport") != null && r.get("cflow.packets") != null).toList();
    }

    private List<Map<String, String>> biflowJson(int dstPort) {
        return jsonRecords.stream().filter(r -> "biflow".equals(r.get("FLOWMON_RECORD"))
                && Integer.toString(dstPort).equals(r.get("L4_DST_PORT"))).toList();
    }

    private static long sum(List<Map<String, String>> records, String field) {
        return records.stream().mapToLong(r -> Long.parseLong(r.getOrDefault(field, "0"))).sum();
    }

    /** Packets and bytes of all IPFIX records of the port equal the capture on the veth, per direction. */
    private void assertCountsEqualCapture(int port) {
        List<Map<String, String>> recs = ipfix(port);
        assertFalse(recs.isEmpty(), "no IPFIX record for port " + port + ": " + ipfixRecords);
        Map<String, String> r = recs.get(0);
        String up = r.get("cflow.srcaddr") + ":" + r.get("cflow.srcport") + ">" + r.get("cflow.dstaddr") + ":" + port;
        String down = r.get("cflow.dstaddr") + ":" + port + ">" + r.get("cflow.srcaddr") + ":" + r.get("cflow.srcport");
        long[] capUp = captured.getOrDefault(up, new long[2]);
        long[] capDown = captured.getOrDefault(down, new long[2]);
        assertEquals(capUp[0], sum(recs, "cflow.packets"), "packets " + up + " " + recs);
        assertEquals(capUp[1], sum(recs, "cflow.octets"), "bytes " + up);
        assertEquals(capDown[0], sum(recs, "cflow.post_packets"), "packets " + down);
        assertEquals(capDown[1], sum(recs, "cflow.post_octets"), "bytes " + down);
        assertTrue(capUp[0] > 0 && capDown[0] > 0, "the capture saw the traffic: " + captured.keySet());
    }

    /** Libbpf's probing of hooks this kernel refuses, an existing qdisc and the like are answers, not warnings. */
    @Test
    void aStartLogsNoWarning() throws Exception {
        String out = daemon.output();
        int running = out.indexOf("running with");
        assertTrue(running > 0, out);
        List<String> warnings = out.substring(0, running).lines()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        assertEquals(List.of(), warnings, "warnings of a start on this kernel");
    }

    @Test
    void daemonExitsZeroAfterSigtermAndWiresharkFindsNoProtocolError() throws Exception {
        assertEquals(0, daemonExit, daemon.output());
        assertEquals("", ipfixProblems, "sequence holes, data without template or malformed messages");
        assertTrue(nfcapdLog.contains("Bad Packets: 0"), nfcapdLog);
        // nfcapd's own "Sequence Errors" count is reported, not asserted: it disagrees with Wireshark
        // on messages carrying options data records (RFC 5610 type records, statistics); see the README.
        System.out.println("nfcapd: " + nfcapdLog.lines().filter(l -> l.contains("Sequence Errors")).findFirst()
                .orElse("(no summary)"));
    }

    /**
     * The daemon's health options records reach the collector every stats.interval (5 s) while it
     * runs, and the last one, sent at shutdown, carries exactly the numbers of the daemon's final
     * statistics line: flows active, biflow records exported, the four drop reasons, the probes.
     */
    @Test
    void daemonHealthOptionsRecordsArriveWithTheFinalStatistics() throws Exception {
        System.out.println("health records at the collector: " + healthRecords);
        assertTrue(healthRecords.size() >= 2, "periodic and final health records: " + healthRecords);
        for (Map<String, String> h : healthRecords) {
            assertEquals(Long.toString(daemonPid), h.get("cflow.flow_exporter"), "scope exportingProcessId " + h);
        }
        // while it ran: the held connection was active, and exported counts only grow
        assertTrue(healthRecords.subList(0, healthRecords.size() - 1).stream()
                .anyMatch(r -> Long.parseLong(r.get("enterprise.110")) > 0), "flows active while running " + healthRecords);
        for (int i = 1; i < healthRecords.size(); i++) {
            assertTrue(Long.parseLong(healthRecords.get(i - 1).get("enterprise.111"))
                    <= Long.parseLong(healthRecords.get(i).get("enterprise.111")), "flowsExported grows " + healthRecords);
        }
        Map<String, Long> last = finalStatistics(daemon.output());
        Map<String, String> h = healthRecords.get(healthRecords.size() - 1);
        assertEquals("0", h.get("enterprise.110"), "flowsActive after the final flush: " + h);
        assertEquals(last.get("flows.active").toString(), h.get("enterprise.110"));
        assertEquals(last.get("flows.records-exported").toString(), h.get("enterprise.111"), "flowsExported " + h);
        assertEquals(last.get("dropped.map-full").toString(), h.get("enterprise.112"), "droppedMapFull " + h);
        assertEquals(last.get("dropped.ring-buffer").toString(), h.get("enterprise.113"), "droppedRingBuffer " + h);
        assertEquals(last.get("dropped.send-queue").toString(), h.get("enterprise.114"), "droppedSendQueue " + h);
        assertEquals(last.get("dropped.event-queue").toString(), h.get("enterprise.115"), "droppedEventQueue " + h);
        long biflowLines = jsonRecords.stream().filter(r -> "biflow".equals(r.get("FLOWMON_RECORD"))).count();
        assertEquals(Long.toString(biflowLines), h.get("enterprise.111"), "flowsExported = biflow JSON lines");
        String variant = daemon.output().replaceAll("(?s).*syscall probes attached as (\\w+).*", "$1");
        int code = switch (variant) {
            case "fentry" -> 1;
            case "kprobe" -> 2;
            case "tracepoint" -> 3;
            case "raw_tracepoint" -> 4;
            case "socket" -> 5;
            default -> throw new AssertionError("no probe variant in the daemon's log: " + variant);
        };
        assertEquals(1L, last.get("probe.variant." + variant));
        assertEquals(Integer.toString(code), h.get("enterprise.116"), "probeVariant " + variant);
    }

    /** The counters of the daemon's "stopped; k=v k=v ..." line. */
    private static Map<String, Long> finalStatistics(String log) {
        String line = log.lines().filter(l -> l.contains("stopped; ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no final statistics in " + log));
        Map<String, Long> m = new java.util.HashMap<>();
        for (String kv : line.substring(line.indexOf("stopped; ") + 9).trim().split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return m;
    }

    @Test
    void finFlowHasTheRightProcessesCountsAndEndReason() {
        List<Map<String, String>> recs = ipfix(7001);
        assertEquals(1, recs.size(), recs.toString());
        Map<String, String> r = recs.get(0);
        assertEquals(veth.ipv4A, r.get("cflow.srcaddr"));
        assertEquals(veth.ipv4B, r.get("cflow.dstaddr"));
        assertEquals("3", r.get("cflow.flow_end_reason"));
        assertEquals(Long.toString(finClient), r.get("cflow.pie.ntop.src_proc_id"));
        assertEquals("fm-cli-fin", r.get("cflow.pie.ntop.src_proc_name"));
        // the server runs in namespace B of the same host: its accept attributes the other side
        assertEquals(Long.toString(finServer), r.get("cflow.pie.ntop.dst_proc_pid"));
        assertEquals("fm-srv-fin", r.get("cflow.pie.ntop.dst_proc_name"));
        assertCountsEqualCapture(7001);
    }

    @Test
    void finFlowReachesNfdumpWithTheSameCounts() {
        Map<String, String> ipfix = ipfix(7001).get(0);
        Map<String, String> nf = nfdumpFlows.stream().filter(f -> "7001".equals(f.get("dp"))
                && veth.ipv4A.equals(f.get("sa"))).findFirst().orElseThrow(() -> new AssertionError(nfdumpFlows));
        assertEquals(ipfix.get("cflow.srcport"), nf.get("sp"));
        assertEquals(veth.ipv4B, nf.get("da"));
        assertEquals("TCP", nf.get("pr"));
        assertEquals(ipfix.get("cflow.packets"), nf.get("ipkt"));
        assertEquals(ipfix.get("cflow.octets"), nf.get("ibyt"));
        assertEquals(ipfix.get("cflow.post_packets"), nf.get("opkt"));
        assertEquals(ipfix.get("cflow.post_octets"), nf.get("obyt"));
    }

    @Test
    void pmacctDecodesTheProcessesAndTheSyscallFlow() throws Exception {
        Map<String, String> ipfix = ipfix(7001).get(0);
        Map<String, String> fin = pmacctRows.stream().filter(r -> "7001".equals(r.get("DST_PORT"))
                && ipfix.get("cflow.srcport").equals(r.get("SRC_PORT"))).findFirst()
                .orElseThrow(() -> new AssertionError(pmacctRows + "\n" + pmacctLog));
        assertEquals(Long.toString(finClient), fin.get("srcpid"));
        assertEquals("fm-cli-fin", fin.get("srcname"));
        assertEquals(Long.toString(finServer), fin.get("dstpid"));
        assertEquals(ipfix.get("cflow.packets"), fin.get("PACKETS"));
        assertEquals(ipfix.get("cflow.octets"), fin.get("BYTES"));
        assertEquals(ipfix.get("cflow.post_packets"), fin.get("outpkts"));
        assertEquals("3", fin.get("endreason"));

        Map<String, String> json = jsonRecords.stream().filter(r -> "syscall".equals(r.get("FLOWMON_RECORD"))
                && "connect".equals(r.get("FLOWMON_SYSCALL")) && "7003".equals(r.get("L4_DST_PORT"))).findFirst()
                .orElseThrow();
        Map<String, String> sys = pmacctRows.stream().filter(r -> "7003".equals(r.get("DST_PORT"))
                && "1".equals(r.get("kind"))).findFirst().orElseThrow(() -> new AssertionError(pmacctRows.toString()));
        assertEquals("5", sys.get("syscalls"));
        assertEquals(json.get("FLOWMON_SYSCALL_MTBS_US"), sys.get("mtbs"));
        assertEquals(Long.toString(repeatClient), sys.get("pid"));
        assertEquals("fm-cli-rep", sys.get("pname"));
    }

    /**
     * The daemon keeps monotonic time and converts at its outputs: every record's start and end, in
     * the JSON file and in the IPFIX at nfdump (seconds there), is on the wall clock of the run.
     */
    @Test
    void everyRecordsTimesAreOnTheWallClockOfTheRun() {
        assertFalse(jsonRecords.isEmpty());
        for (Map<String, String> r : jsonRecords) {
            for (String field : new String[] {"FLOW_START_MILLISECONDS", "FLOW_END_MILLISECONDS"}) {
                long t = Long.parseLong(r.get(field));
                assertTrue(t >= runStartMillis && t <= runEndMillis, field + " " + t + " not within the run ["
                        + runStartMillis + ", " + runEndMillis + "]: " + r);
            }
        }
        assertFalse(nfdumpFlows.isEmpty());
        java.time.format.DateTimeFormatter nfdumpTime = java.time.format.DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm:ss[.SSS]").withZone(java.time.ZoneId.systemDefault());
        for (Map<String, String> f : nfdumpFlows) {
            for (String field : new String[] {"ts", "te"}) {
                long t = java.time.Instant.from(nfdumpTime.parse(f.get(field))).toEpochMilli();
                assertTrue(t >= runStartMillis - 1000 && t <= runEndMillis, field + " " + f.get(field)
                        + " not within the run [" + runStartMillis + ", " + runEndMillis + "]: " + f);
            }
        }
    }

    @Test
    void rstEndsTheFlow() {
        List<Map<String, String>> recs = ipfix(7002);
        assertEquals(1, recs.size(), recs.toString());
        assertEquals("3", recs.get(0).get("cflow.flow_end_reason"));
        assertEquals("fm-cli-rst", recs.get(0).get("cflow.pie.ntop.src_proc_name"));
        assertCountsEqualCapture(7002);
    }

    @Test
    void repeatedConnectsMakeOneSyscallFlowWithCountAndMtbs() {
        Map<String, String> s = jsonRecords.stream().filter(r -> "syscall".equals(r.get("FLOWMON_RECORD"))
                && "connect".equals(r.get("FLOWMON_SYSCALL")) && "7003".equals(r.get("L4_DST_PORT"))).findFirst()
                .orElseThrow(() -> new AssertionError(jsonRecords));
        assertEquals("5", s.get("FLOWMON_SYSCALL_COUNT"));
        assertEquals(Long.toString(repeatClient), s.get("SRC_PROC_PID"));
        assertEquals("fm-cli-rep", s.get("SRC_PROC_NAME"));
        long mtbsUs = Long.parseLong(s.get("FLOWMON_SYSCALL_MTBS_US"));
        long spanMs = Long.parseLong(s.get("FLOW_END_MILLISECONDS")) - Long.parseLong(s.get("FLOW_START_MILLISECONDS"));
        assertTrue(Math.abs(mtbsUs / 1000.0 - spanMs / 4.0) <= 1.0, "MTBS = span / 4 gaps: " + s);
        assertTrue(mtbsUs >= 400_000 && mtbsUs < 1_000_000, "400 ms sleeps between connects: " + s);
        List<Map<String, String>> flows = ipfix(7003);
        assertEquals(5, flows.size(), flows.toString());
        assertTrue(tables.contains(repeatClient + "\tfm-cli-rep\t4\t" + veth.ipv4A + "\t" + veth.ipv4B + "\t7003\t5\t"),
                tables);
        // the fifth connection's biflow carries the syscall flow's count at that moment
        assertTrue(biflowJson(7003).stream().anyMatch(r -> "5".equals(r.get("FLOWMON_SRC_SYSCALL_COUNT"))),
                biflowJson(7003).toString());
    }

    @Test
    void silentUdpFlowEndsByIdleTimeout() {
        List<Map<String, String>> recs = ipfix(7004);
        assertEquals(1, recs.size(), recs.toString());
        assertEquals("1", recs.get(0).get("cflow.flow_end_reason"));
        assertEquals("3", recs.get(0).get("cflow.packets"));
        assertEquals(Long.toString(3 * (200 + 8 + 20)), recs.get(0).get("cflow.octets"));
    }

    @Test
    void longStreamIsExportedByActiveTimeoutThenEnds() {
        List<Map<String, String>> recs = ipfix(7005);
        assertTrue(recs.stream().filter(r -> "2".equals(r.get("cflow.flow_end_reason"))).count() >= 1, recs.toString());
        assertEquals("3", recs.get(recs.size() - 1).get("cflow.flow_end_reason"), recs.toString());
        assertTrue(recs.stream().allMatch(r -> Long.parseLong(r.get("cflow.packets")) + Long.parseLong(
                r.getOrDefault("cflow.post_packets", "0")) > 0), "no empty record");
        assertCountsEqualCapture(7005);
    }

    @Test
    void connectionOpenAtShutdownIsForcedEnd() {
        List<Map<String, String>> recs = ipfix(7006);
        assertFalse(recs.isEmpty(), ipfixRecords.toString());
        assertEquals("4", recs.get(recs.size() - 1).get("cflow.flow_end_reason"), recs.toString());
        assertEquals("fm-cli-hold", recs.get(0).get("cflow.pie.ntop.src_proc_name"));
        // no capture comparison: the client goes on sending after the daemon has stopped
    }

    @Test
    void loopbackConnectionNamesBothProcesses() {
        List<Map<String, String>> recs = ipfix(7007);
        assertEquals(1, recs.size(), recs.toString());
        Map<String, String> r = recs.get(0);
        assertEquals("127.0.0.1", r.get("cflow.srcaddr"));
        assertEquals(Long.toString(loClient), r.get("cflow.pie.ntop.src_proc_id"));
        assertEquals("fm-lo-cli", r.get("cflow.pie.ntop.src_proc_name"));
        assertEquals(Long.toString(loServer), r.get("cflow.pie.ntop.dst_proc_pid"));
        assertEquals("fm-lo-srv", r.get("cflow.pie.ntop.dst_proc_name"));
        assertEquals("3", r.get("cflow.flow_end_reason"));
        Map<String, String> j = biflowJson(7007).get(0);
        assertEquals("connect", j.get("FLOWMON_SRC_PROC_ATTRIBUTION"));
        assertEquals("accept", j.get("FLOWMON_DST_PROC_ATTRIBUTION"));
        // payload: 2000 bytes up and 3000 down, in packets the capture-free count still gets exactly
        assertTrue(Long.parseLong(j.get("IN_BYTES")) > 2000 && Long.parseLong(j.get("OUT_BYTES")) > 3000, j.toString());
    }


    @Test
    void ipv6ConnectionIsAttributedAndCountedExactly() {
        List<Map<String, String>> recs = ipfix(7008);
        assertEquals(1, recs.size(), recs.toString());
        Map<String, String> r = recs.get(0);
        assertEquals(normal(veth.ipv6A), normal(r.get("cflow.srcaddrv6")));
        assertEquals(normal(veth.ipv6B), normal(r.get("cflow.dstaddrv6")));
        assertEquals("3", r.get("cflow.flow_end_reason"));
        assertEquals(Long.toString(v6Client), r.get("cflow.pie.ntop.src_proc_id"));
        assertEquals("fm-cli-v6", r.get("cflow.pie.ntop.src_proc_name"));
        assertEquals("fm-srv-v6", r.get("cflow.pie.ntop.dst_proc_name"));
        long[] capUp = captured.entrySet().stream().filter(e -> e.getKey().endsWith(":7008")
                && e.getKey().startsWith(normal(veth.ipv6A))).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(captured.keySet().toString()));
        assertEquals(capUp[0], Long.parseLong(r.get("cflow.packets")));
        assertEquals(capUp[1], Long.parseLong(r.get("cflow.octets")));
    }

    private static String normal(String v6) {
        try {
            return java.net.InetAddress.getByName(v6).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(v6, e);
        }
    }
}
