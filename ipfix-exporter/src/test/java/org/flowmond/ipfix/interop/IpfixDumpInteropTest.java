package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import org.flowmond.ipfix.DaemonHealth;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.ProbeVariant;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * libfixbuf's ipfixDump reads the IPFIX file (RFC 5655) and, thanks to the RFC 5610 type
 * records, names and types every enterprise element, flowmond's and ntop's; every value matches.
 */
@UnitTest
class IpfixDumpInteropTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final DateTimeFormatter IPFIXDUMP_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    /**
     * "\t(35632/169)   SRC_PROC_NAME : (len: 16) curl" or "\t(8) (S)   sourceIPv4Address : 10.0.0.1";
     * a name longer than ipfixDump's column follows the id without a space.
     */
    private static final Pattern FIELD = Pattern.compile("^\\t\\(([0-9/]+)\\)(?: \\(S\\))?\\s*(\\S+) : (.*)$");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void ipfixDumpNamesAndDecodesEveryField(BiflowMode mode) throws Exception {
        Privileges.requireTool("ipfixDump");
        Path file = dir.resolve("flows.ipfix");
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flowsWithTcpHealth(200, 31 + mode.ordinal(), 0));
        flows.add(TestFlows.hugeCounters());
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlowsWithConnectHealth(6);
        DaemonHealth health = new DaemonHealth(3, 1L << 40, 11, 12, 13, 14, ProbeVariant.TRACEPOINT);
        try (IpfixExporter exporter = IpfixExporter.start(Settings.toFile(file).withMode(mode).build())) {
            exporter.updateDaemonHealth(health);
            flows.forEach(exporter::export);
            syscalls.forEach(exporter::export);
        }
        String dump = Tools.run("env", "TZ=UTC", "ipfixDump", "--in", file.toString(), "--rfc5610");
        assertFalse(dump.contains("_alienInformationElement"), "every element known by name");

        List<Map<String, Object>> records = parse(dump);
        List<Map<String, Object>> expected = new ArrayList<>();
        flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, mode)));
        List<Map<String, Object>> decoded = with(records, "octetDeltaCount");
        assertEquals(expected.size(), decoded.size(), "number of records");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), decoded.get(i), "record " + i); // names exactly, UTF-8 included
        }
        List<Map<String, Object>> expectedSyscalls = syscalls.stream().map(ExpectedValues::syscallFlow).toList();
        assertEquals(expectedSyscalls, with(records, "syscallKind"));
        assertTrue(with(records, "tcpRttMeanMicroseconds").size() > 50, "TCP health records named by their type records");
        assertTrue(with(records, "reverseTcpRstTotalCount").size() > 10 || mode == BiflowMode.UNIFLOWS);
        assertTrue(with(records, "connectHandshakeMaxMicroseconds").size() == 3);
        List<Map<String, Object>> statistics = with(records, "exportedFlowRecordTotalCount");
        assertEquals((long) expected.size() + syscalls.size(),
                statistics.get(statistics.size() - 1).get("exportedFlowRecordTotalCount"));
        Map<String, Object> expectedHealth = new LinkedHashMap<>();
        expectedHealth.put("exportingProcessId", ProcessHandle.current().pid());
        expectedHealth.put("flowsActive", 3L);
        expectedHealth.put("flowsExported", 1L << 40);
        expectedHealth.put("droppedMapFull", 11L);
        expectedHealth.put("droppedRingBuffer", 12L);
        expectedHealth.put("droppedSendQueue", 13L);
        expectedHealth.put("droppedEventQueue", 14L);
        expectedHealth.put("probeVariant", 3L);
        assertEquals(List.of(expectedHealth), with(records, "flowsActive"), "the health record, by name");
    }

    static List<Map<String, Object>> with(List<Map<String, Object>> records, String marker) {
        return records.stream().filter(r -> r.containsKey(marker)).toList();
    }

    /** The data records of the dump, in order, as element name to value. */
    static List<Map<String, Object>> parse(String dump) {
        List<Map<String, Object>> records = new ArrayList<>();
        Map<String, Object> current = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("--- ")) {
                current = line.startsWith("--- data record") ? new LinkedHashMap<>() : null;
                if (current != null) {
                    records.add(current);
                }
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (current != null && m.matches()) {
                current.put(m.group(2), value(MODEL.byName(m.group(2)), m.group(3)));
            }
        }
        return records;
    }

    private static Object value(InformationElement ie, String text) {
        return switch (ie.type()) {
            case IPV4_ADDRESS, IPV6_ADDRESS -> TestFlows.address(text);
            case STRING -> text.replaceFirst("^\\(len: \\d+\\) ?", "").replace("\0", "");
            case DATE_TIME_MILLISECONDS -> Instant.from(IPFIXDUMP_TIME.parse(text)).toEpochMilli();
            default -> Long.parseUnsignedLong(text);
        };
    }
}
