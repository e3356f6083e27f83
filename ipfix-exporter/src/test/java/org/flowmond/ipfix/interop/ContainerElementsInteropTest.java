package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.ContainerSamples;
import org.flowmond.ipfix.ContainerSamples.Flow;
import org.flowmond.ipfix.ContainerSamples.Sides;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.template.TypeRecords;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.testing.Nfacctd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container elements (ntop's container IDs, flowmond's runtime, unit, pod UID and namespace
 * inodes) through real collectors: ipfixDump names and decodes every one from the RFC 5610 type
 * records, nfacctd reads them through {@code aggregate_primitives} (the lines to add to a primitives
 * file are in ipfix-exporter/README.md), tshark decodes them by number (Wireshark 4.0 has no names
 * for 35632/558-559 nor for flowmond's elements).
 */
@RootTest
class ContainerElementsInteropTest {
    private static final InformationElements MODEL = ContainerSamples.MODEL;
    private static final List<Flow> FLOWS = List.of(new Flow(1, 40001, ContainerSamples.SAMPLE),
            new Flow(2, 40002, ContainerSamples.SECOND));

    @TempDir
    Path dir;

    /** Type records, the template and the two flows, as IPFIX messages. */
    private static List<byte[]> messages() {
        Template<InformationElement> types = TypeRecords.template(MODEL);
        Template<Flow> flow = ContainerSamples.flowSpec().bind(MODEL, ContainerSamples::flowWriter);
        List<IpfixMessage> messages = new ArrayList<>();
        MessagePacker packer = new MessagePacker(1400, 1, () -> 1_700_000_000L, messages::add);
        packer.addOptionsTemplate(types.optionsTemplateRecord());
        for (InformationElement ie : flow.elements()) {
            if (ie.isEnterprise()) {
                packer.addRecord(types, ie);
            }
        }
        packer.addTemplate(flow.templateRecord());
        FLOWS.forEach(f -> packer.addRecord(flow, f));
        packer.flush();
        List<byte[]> out = new ArrayList<>();
        long sequence = 0;   // data records before each message (RFC 7011 section 3.1)
        for (IpfixMessage m : messages) {
            ByteBuf buf = Unpooled.buffer();
            IpfixMessageEncoder.INSTANCE.encode(m.withSequenceNumber(sequence), buf);
            sequence += m.dataRecordCount();
            out.add(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out;
    }

    /** What each collector must show for a flow: element name → value as sent (ntop's IDs cut to 16 octets). */
    private static Map<String, Object> expected(Sides s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SRC_PROC_CONTAINER_ID", cut16(s.source().containerId()));
        m.put("DST_PROC_CONTAINER_ID", cut16(s.destination().containerId()));
        m.put("sourceContainerRuntime", s.source().runtime());
        m.put("destinationContainerRuntime", s.destination().runtime());
        m.put("sourceSystemdUnit", s.source().systemdUnit());
        m.put("destinationSystemdUnit", s.destination().systemdUnit());
        m.put("sourcePodUid", s.source().podUid());
        m.put("destinationPodUid", s.destination().podUid());
        m.put("sourceNetnsInode", s.source().netnsInode());
        m.put("destinationNetnsInode", s.destination().netnsInode());
        m.put("observationNetnsInode", s.observationNetnsInode());
        return m;
    }

    /** At most 16 octets of UTF-8, never half a character. */
    private static String cut16(String s) {
        int end = s.length();
        while (s.substring(0, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 16) {
            end--;
        }
        return s.substring(0, end);
    }

    private static Map<String, Object> only(Map<String, Object> record, Map<String, Object> like) {
        Map<String, Object> out = new LinkedHashMap<>();
        like.keySet().forEach(k -> out.put(k, record.get(k)));
        return out;
    }

    @Test
    void ipfixDumpNamesAndDecodesEveryElement() throws Exception {
        Privileges.requireTool("ipfixDump");
        Path file = dir.resolve("containers.ipfix");
        for (byte[] m : messages()) {
            Files.write(file, m, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        String dump = Tools.run("env", "TZ=UTC", "ipfixDump", "--in", file.toString(), "--rfc5610");
        List<Map<String, Object>> flows = IpfixDumpInteropTest.parse(dump).stream()
                .filter(r -> r.containsKey("flowId")).toList();
        assertEquals(FLOWS.size(), flows.size(), dump);
        for (int i = 0; i < FLOWS.size(); i++) {
            Map<String, Object> want = expected(FLOWS.get(i).sides());
            assertEquals(want, only(flows.get(i), want), dump);
        }
    }

    @Test
    void tsharkDecodesEveryElementByNumber() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("tshark");
        int port = FreePorts.udp();
        List<byte[]> messages = messages();
        List<WiresharkRecords.Record> records;
        try (TsharkCapture capture = TsharkCapture.loopback("udp", port, dir)) {
            send(messages, port);
            capture.stopAfter(messages.size());
            assertEquals("", capture.ipfixProblems());
            records = WiresharkRecords.of(capture, MODEL).stream().filter(r -> r.values().containsKey("flowId")).toList();
        }
        assertEquals(FLOWS.size(), records.size());
        for (int i = 0; i < FLOWS.size(); i++) {
            Map<String, Object> want = expected(FLOWS.get(i).sides());
            Map<String, Object> got = only(records.get(i).values(), want);
            // Wireshark leaves an empty variable-length field out of its tree
            got.replaceAll((k, v) -> v == null && "".equals(want.get(k)) ? "" : v);
            assertEquals(want, got);
        }
    }

    @Test
    void nfacctdReadsEveryElementThroughPrimitives() throws Exception {
        Privileges.requireTool("nfacctd");
        int port = FreePorts.udp();
        StringBuilder aggregate = new StringBuilder("src_port");
        PRIMITIVES.lines().forEach(l -> aggregate.append(", ").append(l.split(" ")[0].substring("name=".length())));
        Nfacctd nfacctd = Nfacctd.start(dir, null, "127.0.0.1", port, PRIMITIVES, aggregate.toString());
        try (nfacctd) {
            send(messages(), port);
            nfacctd.awaitRows(FLOWS.size());
            nfacctd.interrupt(Duration.ofSeconds(30));
        }
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (Map<String, String> row : nfacctd.rows()) {
            rows.put(row.get("SRC_PORT"), row);
        }
        for (Flow f : FLOWS) {
            Map<String, String> want = new LinkedHashMap<>();
            expected(f.sides()).forEach((k, v) -> want.put(COLUMNS.get(k), v.toString()));
            Map<String, String> row = rows.get(Integer.toString(f.sourcePort()));
            Map<String, String> got = new LinkedHashMap<>();
            want.keySet().forEach(k -> got.put(k, row == null ? null : row.get(k)));
            assertEquals(want, got, "nfacctd's row for source port " + f.sourcePort() + ": " + rows);
        }
    }

    /** The primitives file for nfacctd (pmacct's aggregate_primitives), as README.md lists it. */
    static final String PRIMITIVES = """
            name=srccontainer field_type=35632:558 len=vlen semantics=str
            name=dstcontainer field_type=35632:559 len=vlen semantics=str
            name=srcruntime field_type=32473:119 len=vlen semantics=str
            name=dstruntime field_type=32473:120 len=vlen semantics=str
            name=srcunit field_type=32473:121 len=vlen semantics=str
            name=dstunit field_type=32473:122 len=vlen semantics=str
            name=srcpod field_type=32473:123 len=vlen semantics=str
            name=dstpod field_type=32473:124 len=vlen semantics=str
            name=srcnetns field_type=32473:125 len=4 semantics=u_int
            name=dstnetns field_type=32473:126 len=4 semantics=u_int
            name=obsnetns field_type=32473:127 len=4 semantics=u_int
            """;

    private static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("SRC_PROC_CONTAINER_ID", "srccontainer"), Map.entry("DST_PROC_CONTAINER_ID", "dstcontainer"),
            Map.entry("sourceContainerRuntime", "srcruntime"), Map.entry("destinationContainerRuntime", "dstruntime"),
            Map.entry("sourceSystemdUnit", "srcunit"), Map.entry("destinationSystemdUnit", "dstunit"),
            Map.entry("sourcePodUid", "srcpod"), Map.entry("destinationPodUid", "dstpod"),
            Map.entry("sourceNetnsInode", "srcnetns"), Map.entry("destinationNetnsInode", "dstnetns"),
            Map.entry("observationNetnsInode", "obsnetns"));

    private static void send(List<byte[]> messages, int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            for (byte[] m : messages) {
                s.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
