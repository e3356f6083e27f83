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
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Wireshark's IPFIX dissector (tshark) decodes every field of every record, in all three biflow
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
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flows(90, mode.ordinal(), 0));
        flows.add(TestFlows.hugeCounters());
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlows(6);
        try (UdpReceiver sink = new UdpReceiver(host); TsharkCapture capture = TsharkCapture.loopback("udp", sink.port(), dir)) {
            IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector(host, sink.port()))
                    .withMode(mode).withMtu(MTU).build());
            try (exporter) {
                flows.forEach(exporter::export);
                syscalls.forEach(exporter::export);
            }
            CollectorStatistics sent = exporter.statistics().collectors().get(0);
            capture.stopAfter(sent.messagesSent());

            assertEquals("", capture.ipfixProblems(), "tshark's expert checks");
            List<String[]> packets = capture.packets();
            assertEquals(sent.messagesSent(), packets.size(), "every message captured");
            for (String[] p : packets) {
                int ipLength = host.contains(":") ? Integer.parseInt(p[3]) + 40 : Integer.parseInt(p[2]);
                assertTrue(ipLength <= MTU, "frame " + p[0] + " is " + ipLength + " octets of IP");
            }
            List<WiresharkRecords.Record> records = WiresharkRecords.of(capture, MODEL);
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
