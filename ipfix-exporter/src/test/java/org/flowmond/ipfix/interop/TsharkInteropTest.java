package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.testing.UdpReceiver;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Wireshark's IPFIX dissector (tshark) decodes every field of every record (TCP records with and
 * without TCP health among them; ntop's TCP health elements by their Wireshark names), in all three biflow
 * encodings, with IPv4 and IPv6 flows, over IPv4 and IPv6 transport; its expert checks find no
 * missing template, no sequence error and nothing malformed; no datagram exceeds the MTU.
 */
@RootTest
class TsharkInteropTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final int MTU = 900;

    @TempDir
    Path dir;

    @BeforeEach
    void requireTshark() {
        Privileges.requireTool("tshark");
        Privileges.requireRoot(); // capturing on lo
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void tsharkDecodesEveryFieldAsSent(BiflowMode mode) throws Exception {
        String host = mode == BiflowMode.RFC5103 ? "::1" : "127.0.0.1";
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flowsWithTcpHealth(90, mode.ordinal(), 0));
        flows.add(TestFlows.hugeCounters());
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlowsWithConnectHealth(6);
        try (UdpReceiver sink = new UdpReceiver(host); TsharkCapture capture = TsharkCapture.loopback("udp", sink.port(), dir)) {
            IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector(host, sink.port()))
                    .withMode(mode).withMtu(MTU).build());
            try (exporter) {
                flows.forEach(exporter::export);
                syscalls.forEach(exporter::export);
            }
            CollectorStatistics sent = exporter.statistics().collectors().get(0);
            capture.stopAfter(sent.messagesSent());

            // Wireshark's default of 60 fields per template refuses the TCP biflow templates
            assertEquals(mode == BiflowMode.UNIFLOWS ? "" : "More entries", tooManyFields(capture, sink.port()),
                    "what a default Wireshark says of the TCP templates");
            assertEquals("", tshark(capture, sink.port(), "-Y", EXPERT_FINDINGS), "tshark's expert checks");
            List<String[]> packets = capture.packets();
            assertEquals(sent.messagesSent(), packets.size(), "every message captured");
            for (String[] p : packets) {
                int ipLength = host.contains(":") ? Integer.parseInt(p[3]) + 40 : Integer.parseInt(p[2]);
                assertTrue(ipLength <= MTU, "frame " + p[0] + " is " + ipLength + " octets of IP");
            }
            List<WiresharkRecords.Record> records = WiresharkRecords.of(tshark(capture, sink.port(), "-T", "pdml"), MODEL);
            List<Map<String, Object>> expected = new ArrayList<>();
            flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, mode)));
            assertRecords(expected, values(records, "octetDeltaCount"));
            assertRecords(syscalls.stream().map(ExpectedValues::syscallFlow).toList(), values(records, "ipVersion"));
            List<Map<String, Object>> statistics = values(records, "exportedMessageTotalCount");
            Map<String, Object> last = statistics.get(statistics.size() - 1);
            assertEquals(sent.messagesSent() - 1, last.get("exportedMessageTotalCount"));
            assertEquals((long) expected.size() + syscalls.size(), last.get("exportedFlowRecordTotalCount"));
            assertEquals(0L, last.get("notSentFlowTotalCount"));
        }
    }

    private static final String EXPERT_FINDINGS =
            "cflow.unexpected_sequence_number || cflow.no_template_found || _ws.malformed";

    /**
     * tshark on the capture with the template field limit raised as README.md says (Wireshark's
     * default, 60, is less than the 65 and 66 fields of the TCP biflow templates).
     */
    static String tshark(TsharkCapture capture, int port, String... options) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", capture.pcap().toString(),
                "-d", "udp.port==" + port + ",cflow", "-o", "cflow.max_template_fields:100", "-Y", "udp.port==" + port));
        if (options[0].equals("-Y")) {   // a display filter of its own instead of the port's
            cmd.subList(cmd.size() - 2, cmd.size()).clear();
        }
        cmd.addAll(List.of(options));
        return Tools.run(cmd);
    }

    /** "More entries" when Wireshark with its default preferences refuses a template as too long. */
    static String tooManyFields(TsharkCapture capture, int port) {
        String out = Tools.run("tshark", "-r", capture.pcap().toString(), "-d", "udp.port==" + port + ",cflow",
                "-Y", "_ws.expert.message contains \"than we can handle\"", "-V");
        return out.contains("More entries (65)") || out.contains("More entries (66)") ? "More entries" : out;
    }

    /** Record by record, so that a failure names the one record and its differing fields. */
    static void assertRecords(List<Map<String, Object>> expected, List<Map<String, Object>> actual) {
        assertEquals(expected.size(), actual.size(), "number of records");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(asWiresharkShows(expected.get(i)), actual.get(i), "record " + i);
        }
    }

    /**
     * Wireshark shows ntop's names as ASCII: each non-ASCII octet of the UTF-8 name becomes
     * U+FFFD. The octets are right (ipfixDump and the round-trip tests decode them as UTF-8).
     */
    static Map<String, Object> asWiresharkShows(Map<String, Object> expected) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(expected);
        out.replaceAll((k, v) -> k.endsWith("_NAME") && v instanceof String s ? ascii(s) : v);
        return out;
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (byte octet : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            b.append(octet >= 0 ? (char) octet : '\uFFFD');
        }
        return b.toString();
    }

    static List<Map<String, Object>> values(List<WiresharkRecords.Record> records, String marker) {
        return records.stream().map(WiresharkRecords.Record::values).filter(v -> v.containsKey(marker)).toList();
    }
}
