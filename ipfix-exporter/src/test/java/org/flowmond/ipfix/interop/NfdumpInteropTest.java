package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.ExporterStatistics;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.Nfcapd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.SlowTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nfcapd collects and nfdump prints: every standard field as sent (nfdump ignores enterprise
 * elements and IANA 220; TCP records with TCP health, in their larger templates, are among the
 * flows), and nfcapd's own check of the sequence numbers reports no error across more than
 * 10,000 records in many messages, while a second, unreachable collector is counted and ignored.
 *
 * <p>A sequence error is the exporter's only if the kernel dropped nothing for nfcapd's socket:
 * a datagram lost to a full receive buffer shows up in nfcapd as a gap too. So each test first
 * asserts that the socket's drop count stayed 0, and nfcapd gets a receive buffer (-B) that holds
 * a whole batch even when it is not scheduled while the batch arrives (on a busy two-core machine,
 * a batch of 200 uniflow biflows with the container elements is 97 datagrams, more than the 92
 * that the default 208 KiB buffer holds on loopback).
 */
@SlowTest
class NfdumpInteropTest {
    private static final DateTimeFormatter NFDUMP_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Pattern IDENT = Pattern.compile("Flows: (\\d+),.*Sequence Errors: (\\d+), Bad Packets: (\\d+)");

    /** 4 MiB: the kernel takes at most net.core.rmem_max and doubles it (8 MiB here, the whole run). */
    private static final int RECEIVE_BUFFER = 4 << 20;

    @TempDir
    Path dir;

    @BeforeEach
    void requireNfdump() {
        Privileges.requireTool("nfcapd");
        Privileges.requireTool("nfdump");
    }

    @Test
    void tenThousandRecordsWithoutSequenceErrorsWhileAnotherCollectorIsUnreachable() throws Exception {
        int port = FreePorts.udp();
        int deadPort = FreePorts.udp();
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flowsWithTcpHealth(10_200, 11, 0));
        flows.add(TestFlows.hugeCounters());
        ExporterStatistics stats;
        Collected collected;
        try (Nfcapd nfcapd = startNfcapd("127.0.0.1", port, false)) {
            IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", deadPort),
                    new Collector("127.0.0.1", port)).withMode(BiflowMode.NPROBE)
                    // templates, type records and statistics keep coming during the run: nfcapd's
                    // sequence check leaves options records out, so they must not share the flows' domain
                    .withRefresh(Duration.ofMinutes(10), 200).withStatistics(Duration.ofMillis(100)).build());
            try (exporter) {
                sendPaced(exporter, flows);
            }
            stats = exporter.statistics();
            collected = stop(nfcapd, port, false);
        }
        CollectorStatistics dead = stats.collectors().get(0);
        CollectorStatistics alive = stats.collectors().get(1);
        assertTrue(dead.unreachable() > 0, "ICMP port unreachable counted: " + dead);
        assertEquals(flows.size(), alive.flowRecordsSent());
        assertEquals(0, alive.notSentFlowRecords() + alive.sendErrors() + alive.unreachable(), alive.toString());
        assertTrue(alive.messagesSent() > 1000, "many messages: " + alive.messagesSent());

        String log = collected.log();
        assertEquals(0, collected.drops(), "datagrams the kernel dropped for nfcapd (receive buffer full)\n" + log);
        long[] ident = identTotals(log);
        assertEquals(flows.size(), ident[0], "flows nfcapd stored\n" + log);
        assertEquals(0, ident[1], "nfcapd's Sequence Errors\n" + log);
        assertEquals(0, ident[2], "nfcapd's Bad Packets\n" + log);
        assertRecords(flows, List.of(), BiflowMode.NPROBE);
    }

    @Test
    void uniflowsOverIpv6() throws Exception {
        int port = FreePorts.udp();
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flowsWithTcpHealth(300, 12, 0));
        flows.add(TestFlows.hugeCounters());
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlowsWithConnectHealth(6);
        Collected collected;
        try (Nfcapd nfcapd = startNfcapd("::1", port, true)) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("::1", port))
                    .withMode(BiflowMode.UNIFLOWS).build())) {
                sendPaced(exporter, flows);
                syscalls.forEach(exporter::export);
            }
            collected = stop(nfcapd, port, true);
        }
        String log = collected.log();
        assertEquals(0, collected.drops(), "datagrams the kernel dropped for nfcapd (receive buffer full)\n" + log);
        assertEquals(0, identTotals(log)[1], "nfcapd's Sequence Errors\n" + log);
        assertRecords(flows, syscalls, BiflowMode.UNIFLOWS);
    }

    private Nfcapd startNfcapd(String host, int port, boolean ipv6) throws Exception {
        String buffer = Integer.toString(RECEIVE_BUFFER);
        String[] options = ipv6 ? new String[] {"-B", buffer, "-6"} : new String[] {"-B", buffer};
        return Nfcapd.start(dir, null, host, port, options);
    }

    /** Batches with a pause: nfcapd reads one datagram at a time. */
    private static void sendPaced(IpfixExporter exporter, List<FlowRecord> flows) throws InterruptedException {
        for (int i = 0; i < flows.size(); i += 200) {
            flows.subList(i, Math.min(flows.size(), i + 200)).forEach(exporter::export);
            exporter.flush(Duration.ofSeconds(10));
            Thread.sleep(10);
        }
    }

    /** nfcapd's log and the datagrams the kernel dropped for its socket. */
    private record Collected(String log, long drops) {
    }

    /** SIGTERM makes nfcapd write its file and print its "Ident:" statistics line. */
    private static Collected stop(Nfcapd nfcapd, int port, boolean ipv6) throws Exception {
        Thread.sleep(300); // let nfcapd read what is still in its socket buffer
        long drops = SocketDrops.ofPort(port, ipv6);
        return new Collected(nfcapd.stop(), drops);
    }

    /** Flows, sequence errors and bad packets summed over the "Ident:" lines (one per file). */
    private static long[] identTotals(String log) {
        long[] totals = new long[3];
        Matcher m = IDENT.matcher(log);
        int lines = 0;
        while (m.find()) {
            lines++;
            for (int i = 0; i < 3; i++) {
                totals[i] += Long.parseLong(m.group(i + 1));
            }
        }
        assertTrue(lines > 0, "nfcapd printed no statistics:\n" + log);
        return totals;
    }

    private void assertRecords(List<FlowRecord> flows, List<SyscallFlowRecord> syscalls, BiflowMode mode) {
        List<Map<String, String>> expected = new ArrayList<>();
        for (FlowRecord f : flows) {
            ExpectedValues.flow(f, mode).forEach(r -> expected.add(asNfdump(r)));
        }
        syscalls.forEach(s -> expected.add(asNfdump(ExpectedValues.syscallFlow(s))));
        String json = Tools.runUnchecked(List.of("env", "TZ=UTC", "nfdump", "-R", dir.resolve("nfcapd").toString(),
                "-o", "json")).stdout();
        List<Map<String, String>> decoded = NfdumpJson.parse(json);
        assertEquals(expected.size(), decoded.size(), "records nfdump printed");
        for (int i = 0; i < expected.size(); i++) {
            Map<String, String> actual = new LinkedHashMap<>(decoded.get(i));
            actual.keySet().retainAll(expected.get(i).keySet());
            normaliseAddresses(actual);
            assertEquals(expected.get(i), actual, "record " + i);
        }
    }

    /** What nfdump's JSON shows for a record (the fields nfdump keeps). */
    private static Map<String, String> asNfdump(Map<String, Object> r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("first", NFDUMP_TIME.format(Instant.ofEpochMilli((Long) r.get("flowStartMilliseconds"))));
        m.put("last", NFDUMP_TIME.format(Instant.ofEpochMilli((Long) r.get("flowEndMilliseconds"))));
        m.put("in_packets", unsigned(r.getOrDefault("packetDeltaCount", 0L)));
        m.put("in_bytes", unsigned(r.getOrDefault("octetDeltaCount", 0L)));
        long proto = (Long) r.get("protocolIdentifier");
        m.put("proto", Long.toString(proto));
        boolean icmp = proto == 1 || proto == 58;
        if (r.containsKey("tcpControlBits") && !icmp) { // nfdump prints ICMP type and code instead
            m.put("tcp_flags", flags((Long) r.get("tcpControlBits")));
        }
        if (icmp) {
            Object typeCode = r.getOrDefault("icmpTypeCodeIPv4", r.get("icmpTypeCodeIPv6"));
            m.put("icmp_type", Long.toString((Long) typeCode >> 8));
            m.put("icmp_code", Long.toString((Long) typeCode & 0xFF));
        } else {
            m.put("src_port", Long.toString((Long) r.getOrDefault("sourceTransportPort", 0L)));
            m.put("dst_port", Long.toString((Long) r.get("destinationTransportPort")));
        }
        boolean v4 = r.containsKey("sourceIPv4Address");
        m.put(v4 ? "src4_addr" : "src6_addr", ((InetAddress) r.get(v4 ? "sourceIPv4Address" : "sourceIPv6Address")).getHostAddress());
        m.put(v4 ? "dst4_addr" : "dst6_addr",
                ((InetAddress) r.get(v4 ? "destinationIPv4Address" : "destinationIPv6Address")).getHostAddress());
        if (r.containsKey("ingressInterface")) {
            m.put("input_snmp", Long.toString((Long) r.get("ingressInterface")));
            m.put("output_snmp", Long.toString((Long) r.get("egressInterface")));
            m.put("direction", Long.toString((Long) r.get("flowDirection")));
        }
        if (r.containsKey("postOctetDeltaCount")) {
            m.put("out_packets", unsigned(r.get("postPacketDeltaCount")));
            m.put("out_bytes", unsigned(r.get("postOctetDeltaCount")));
        }
        return m;
    }

    /** Addresses in Java's spelling, so that "2001:db8::3" and "2001:db8:0:0:0:0:0:3" compare equal. */
    private static void normaliseAddresses(Map<String, String> m) {
        m.replaceAll((k, v) -> k.endsWith("_addr") ? TestFlows.address(v).getHostAddress() : v);
    }

    private static String unsigned(Object v) {
        return Long.toUnsignedString((Long) v);
    }

    /** nfdump's flag string: C E U A P R S F, a dot for each flag not set. */
    private static String flags(long bits) {
        String names = "CEUAPRSF";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            b.append((bits & (0x80 >> i)) != 0 ? names.charAt(i) : '.');
        }
        return b.toString();
    }
}
