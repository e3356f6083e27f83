package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.Nfacctd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.SlowTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * pmacct's nfacctd decodes the standard fields and, through {@code aggregate_primitives}, ntop's
 * process elements, flowmond's own elements, the reverse counters of both biflow encodings
 * (nProbe's 23/24 and RFC 5103's PEN 29305) and the TCP health elements (ntop's, IANA 220 and its
 * reverse, flowmond's) of the TCP records that carry them. Each record is one CSV row, keyed by flowId.
 */
@SlowTest
class PmacctInteropTest {
    private static final DateTimeFormatter PMACCT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'000'").withZone(ZoneOffset.UTC);

    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    /** Stands for "PEN:id" of the flowmond element of that row, looked up in the model. */
    private static final String FLOWMOND = "flowmond";

    /** Custom primitive name, IPFIX element name, field_type, length, semantics. */
    private static final String[][] PRIMITIVES = {
            {"flowid", "flowId", "148", "8", "u_int"},
            {"endreason", "flowEndReason", "136", "1", "u_int"},
            {"biflowdir", "biflowDirection", "239", "1", "u_int"},
            {"flowdir", "flowDirection", "61", "1", "u_int"},
            {"icmp4", "icmpTypeCodeIPv4", "32", "2", "u_int"},
            {"icmp6", "icmpTypeCodeIPv6", "139", "2", "u_int"},
            {"ipver", "ipVersion", "60", "1", "u_int"},
            {"outbytes", "postOctetDeltaCount", "23", "8", "u_int"},
            {"outpkts", "postPacketDeltaCount", "24", "8", "u_int"},
            {"revbytes", "reverseOctetDeltaCount", "29305:1", "8", "u_int"},
            {"revpkts", "reversePacketDeltaCount", "29305:2", "8", "u_int"},
            {"revflags", "reverseTcpControlBits", "29305:6", "1", "u_int"},
            {"srcpid", "SRC_PROC_PID", "35632:168", "4", "u_int"},
            {"srcname", "SRC_PROC_NAME", "35632:169", "16", "str"},
            {"srcuid", "SRC_PROC_UID", "35632:425", "4", "u_int"},
            {"srcuser", "SRC_PROC_USER_NAME", "35632:372", "16", "str"},
            {"srcppid", "SRC_FATHER_PROC_PID", "35632:373", "4", "u_int"},
            {"srcpname", "SRC_FATHER_PROC_NAME", "35632:374", "16", "str"},
            {"dstpid", "DST_PROC_PID", "35632:375", "4", "u_int"},
            {"dstname", "DST_PROC_NAME", "35632:376", "16", "str"},
            {"dstuid", "DST_PROC_UID", "35632:426", "4", "u_int"},
            {"dstuser", "DST_PROC_USER_NAME", "35632:377", "16", "str"},
            {"dstppid", "DST_FATHER_PROC_PID", "35632:378", "4", "u_int"},
            {"dstpname", "DST_FATHER_PROC_NAME", "35632:379", "16", "str"},
            {"srccg", "sourceProcessCgroupId", FLOWMOND, "8", "u_int"},
            {"dstcg", "destinationProcessCgroupId", FLOWMOND, "8", "u_int"},
            {"srcattr", "sourceAttribution", FLOWMOND, "1", "u_int"},
            {"dstattr", "destinationAttribution", FLOWMOND, "1", "u_int"},
            {"syscalls", "syscallCount", FLOWMOND, "8", "u_int"},
            {"mtbs", "meanTimeBetweenSyscalls", FLOWMOND, "8", "u_int"},
            {"kind", "syscallKind", FLOWMOND, "1", "u_int"},
            {"pid", "processId", FLOWMOND, "4", "u_int"},
            {"pname", "processName", FLOWMOND, "16", "str"},
            // TCP health. ntop's 123, 124, 109 and 127 follow flowmond's elements of the same id in
            // the TCP templates, and pmacct numbers a template's fields per id whatever their PEN:
            // a first primitive of the same PEN:id (which finds nothing) makes the second read them.
            {"skip_cnwlat", null, "35632:123", "4", "u_int"},
            {"cnwlat", "CLIENT_NW_LATENCY_MS", "35632:123", "4", "u_int"},
            {"skip_snwlat", null, "35632:124", "4", "u_int"},
            {"snwlat", "SERVER_NW_LATENCY_MS", "35632:124", "4", "u_int"},
            {"skip_retxinpkts", null, "35632:109", "4", "u_int"},
            {"retxinpkts", "RETRANSMITTED_IN_PKTS", "35632:109", "4", "u_int"},
            {"skip_retxinbytes", null, "35632:127", "4", "u_int"},
            {"retxinbytes", "RETRANSMITTED_IN_BYTES", "35632:127", "4", "u_int"},
            {"retxoutpkts", "RETRANSMITTED_OUT_PKTS", "35632:110", "4", "u_int"},
            {"retxoutbytes", "RETRANSMITTED_OUT_BYTES", "35632:128", "4", "u_int"},
            {"oooinpkts", "OOORDER_IN_PKTS", "35632:111", "4", "u_int"},
            {"oooutpkts", "OOORDER_OUT_PKTS", "35632:112", "4", "u_int"},
            {"rsts", "tcpRstTotalCount", "220", "8", "u_int"},
            {"revrsts", "reverseTcpRstTotalCount", "29305:220", "8", "u_int"},
            {"chandshake", "clientHandshakeMicroseconds", FLOWMOND, "4", "u_int"},
            {"shandshake", "serverHandshakeMicroseconds", FLOWMOND, "4", "u_int"},
            {"rttmin", "tcpRttMinMicroseconds", FLOWMOND, "4", "u_int"},
            {"rttmean", "tcpRttMeanMicroseconds", FLOWMOND, "4", "u_int"},
            {"rttmax", "tcpRttMaxMicroseconds", FLOWMOND, "4", "u_int"},
            {"srczwin", "sourceZeroWindowDeltaCount", FLOWMOND, "4", "u_int"},
            {"dstzwin", "destinationZeroWindowDeltaCount", FLOWMOND, "4", "u_int"},
            {"conhsmax", "connectHandshakeMaxMicroseconds", FLOWMOND, "4", "u_int"},
            {"conhsmean", "connectHandshakeMeanMicroseconds", FLOWMOND, "4", "u_int"},
            {"conretx", "connectRetransmittedPacketDeltaCount", FLOWMOND, "4", "u_int"},
    };
    /** pmacct's own columns for standard elements. */
    private static final String[][] STANDARD = {
            {"SRC_IP", "source"}, {"DST_IP", "destination"},
            {"SRC_PORT", "sourceTransportPort"}, {"DST_PORT", "destinationTransportPort"},
            {"PROTOCOL", "protocolIdentifier"}, {"TCP_FLAGS", "tcpControlBits"},
            {"IN_IFACE", "ingressInterface"}, {"OUT_IFACE", "egressInterface"},
            {"TIMESTAMP_START", "flowStartMilliseconds"}, {"TIMESTAMP_END", "flowEndMilliseconds"},
            {"PACKETS", "packetDeltaCount"}, {"BYTES", "octetDeltaCount"},
    };

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = BiflowMode.class, names = {"NPROBE", "RFC5103"})
    void nfacctdDecodesStandardAndEnterpriseFields(BiflowMode mode) throws Exception {
        Privileges.requireTool("nfacctd");
        String host = mode == BiflowMode.NPROBE ? "127.0.0.1" : "::1";
        int port = FreePorts.udp();
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flowsWithTcpHealth(150, 21 + mode.ordinal(), 0));
        flows.add(TestFlows.hugeCounters());
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlowsWithConnectHealth(6);
        Nfacctd nfacctd = start(host, port);
        try (nfacctd) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector(host, port))
                    .withMode(mode).build())) {
                flows.forEach(exporter::export);
                syscalls.forEach(exporter::export);
            }
            nfacctd.awaitRows(flows.size() + syscalls.size());
            nfacctd.interrupt(Duration.ofSeconds(30));
        }

        Map<String, Map<String, String>> rows = new HashMap<>();
        for (Map<String, String> row : nfacctd.rows()) {
            String key = row.get("ipver").equals("0") ? row.get("flowid") : "syscall:" + row.get("DST_PORT");
            rows.put(key, row);
        }
        assertEquals(flows.size() + syscalls.size(), rows.size(), "distinct rows");
        for (FlowRecord f : flows) {
            Map<String, Object> expected = ExpectedValues.flow(f, mode).get(0);
            assertRow(expected, rows.get(Long.toUnsignedString(f.flowId())));
        }
        for (SyscallFlowRecord s : syscalls) {
            assertRow(ExpectedValues.syscallFlow(s), rows.get("syscall:" + s.port()));
        }
    }

    /** Every column pmacct printed for a value the record has, compared with it. */
    private static void assertRow(Map<String, Object> expected, Map<String, String> row) {
        Map<String, String> want = new LinkedHashMap<>();
        Map<String, String> got = new LinkedHashMap<>();
        for (String[] s : STANDARD) {
            String name = s[1];
            if (name.equals("source") || name.equals("destination")) {
                Object a = expected.getOrDefault(name + "IPv4Address", expected.get(name + "IPv6Address"));
                want.put(s[0], ((InetAddress) a).getHostAddress());
                got.put(s[0], TestFlows.address(row.get(s[0])).getHostAddress());
            } else if (expected.containsKey(name)) {
                want.put(s[0], text(name, expected.get(name)));
                got.put(s[0], row.get(s[0]));
            }
        }
        for (String[] p : PRIMITIVES) {
            if (p[1] != null && expected.containsKey(p[1])) {
                want.put(p[0], text(p[1], expected.get(p[1])));
                got.put(p[0], row.get(p[0]));
            }
        }
        if (isIcmp(expected)) {
            // pmacct puts ICMP type and code into the destination port
            want.remove("DST_PORT");
            got.remove("DST_PORT");
        }
        assertEquals(want, got, "row of " + expected);
    }

    private static boolean isIcmp(Map<String, Object> r) {
        Object proto = r.get("protocolIdentifier");
        return proto.equals(1L) || proto.equals(58L);
    }

    private static String text(String name, Object value) {
        if (name.endsWith("Milliseconds")) {
            return PMACCT_TIME.format(Instant.ofEpochMilli((Long) value));
        }
        return value instanceof Long l ? Long.toUnsignedString(l) : value.toString();
    }

    private Nfacctd start(String host, int port) throws Exception {
        StringBuilder primitives = new StringBuilder();
        StringBuilder aggregate = new StringBuilder("src_host, dst_host, src_port, dst_port, proto, tcpflags, "
                + "in_iface, out_iface, timestamp_start, timestamp_end");
        for (String[] p : PRIMITIVES) {
            String fieldType = p[2].equals(FLOWMOND) ? "32473:" + MODEL.byName(p[1]).id() : p[2];
            primitives.append("name=").append(p[0]).append(" field_type=").append(fieldType).append(" len=").append(p[3])
                    .append(" semantics=").append(p[4]).append('\n');
            aggregate.append(", ").append(p[0]);
        }
        return Nfacctd.start(dir, null, host, port, primitives.toString(), aggregate.toString(),
                "timestamps_secs: false", "timestamps_utc: true");
    }
}
