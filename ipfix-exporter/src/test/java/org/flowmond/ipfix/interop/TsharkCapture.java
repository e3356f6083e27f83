package org.flowmond.ipfix.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.testing.Tools;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * tshark capturing one UDP port on loopback, then decoding the capture as IPFIX
 * ({@code -d udp.port==N,cflow}). Records come back as maps from IPFIX element names to values,
 * translated from Wireshark's own field names, so they compare directly with what was sent.
 */
final class TsharkCapture implements AutoCloseable {
    /** Wireshark field name to IPFIX element name. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("cflow.srcaddr", "sourceIPv4Address"), Map.entry("cflow.dstaddr", "destinationIPv4Address"),
            Map.entry("cflow.srcaddrv6", "sourceIPv6Address"), Map.entry("cflow.dstaddrv6", "destinationIPv6Address"),
            Map.entry("cflow.srcport", "sourceTransportPort"), Map.entry("cflow.dstport", "destinationTransportPort"),
            Map.entry("cflow.protocol", "protocolIdentifier"), Map.entry("cflow.icmp_type_code_ipv4", "icmpTypeCodeIPv4"),
            Map.entry("cflow.inputint", "ingressInterface"), Map.entry("cflow.outputint", "egressInterface"),
            Map.entry("cflow.direction", "flowDirection"), Map.entry("cflow.abstimestart", "flowStartMilliseconds"),
            Map.entry("cflow.abstimeend", "flowEndMilliseconds"), Map.entry("cflow.octets", "octetDeltaCount"),
            Map.entry("cflow.packets", "packetDeltaCount"), Map.entry("cflow.tcpflags", "tcpControlBits"),
            Map.entry("cflow.flow_end_reason", "flowEndReason"), Map.entry("cflow.flow_id", "flowId"),
            Map.entry("cflow.biflow_direction", "biflowDirection"), Map.entry("cflow.post_octets", "postOctetDeltaCount"),
            Map.entry("cflow.post_packets", "postPacketDeltaCount"), Map.entry("cflow.ip_version", "ipVersion"),
            Map.entry("cflow.pie.ntop.src_proc_id", "SRC_PROC_PID"), Map.entry("cflow.pie.ntop.src_proc_name", "SRC_PROC_NAME"),
            Map.entry("cflow.pie.ntop.src_proc_uid", "SRC_PROC_UID"),
            Map.entry("cflow.pie.ntop.src_proc_user_name", "SRC_PROC_USER_NAME"),
            Map.entry("cflow.pie.ntop.src_father_proc_pid", "SRC_FATHER_PROC_PID"),
            Map.entry("cflow.pie.ntop.src_father_proc_name", "SRC_FATHER_PROC_NAME"),
            Map.entry("cflow.pie.ntop.dst_proc_pid", "DST_PROC_PID"), Map.entry("cflow.pie.ntop.dst_proc_name", "DST_PROC_NAME"),
            Map.entry("cflow.pie.ntop.dst_proc_uid", "DST_PROC_UID"),
            Map.entry("cflow.pie.ntop.dst_proc_user_name", "DST_PROC_USER_NAME"),
            Map.entry("cflow.pie.ntop.dst_father_proc_pid", "DST_FATHER_PROC_PID"),
            Map.entry("cflow.pie.ntop.dst_father_proc_name", "DST_FATHER_PROC_NAME"),
            Map.entry("cflow.od_id", "observationDomainId"),
            Map.entry("cflow.packetsexp", "exportedMessageTotalCount"),
            Map.entry("cflow.flowsexp", "exportedFlowRecordTotalCount"),
            Map.entry("cflow.octetsexp", "exportedOctetTotalCount"),
            Map.entry("cflow.notsent_flows", "notSentFlowTotalCount"),
            Map.entry("cflow.ignore_packets", "ignoredPacketTotalCount"));
    /** Fields whose raw value is the number (times: Wireshark shows them as dates). */
    private static final List<String> RAW_NUMBERS = List.of("cflow.abstimestart", "cflow.abstimeend");

    /** A decoded data record: capture frame, template, values by IPFIX element name. */
    record Record(int frame, int templateId, Map<String, Object> values) {
    }

    private final String protocol;
    private final int port;
    private final Path file;
    private final ChildProcess tshark;
    private final InformationElements model;

    private TsharkCapture(String protocol, int port, Path file, ChildProcess tshark, InformationElements model) {
        this.protocol = protocol;
        this.port = port;
        this.file = file;
        this.tshark = tshark;
        this.model = model;
    }

    /**
     * Starts capturing {@code udp port N} on loopback. tshark announces "Capture started." before
     * dumpcap really sees packets, so this returns only once a probe datagram sent to a second
     * port has shown up in tshark's live packet list ({@code -P}).
     */
    static TsharkCapture start(int port, Path dir, InformationElements model) throws Exception {
        return start("udp", port, dir, model);
    }

    /** As {@link #start(int, Path, InformationElements)} for {@code tcp port N}: decoded as a stream of messages. */
    static TsharkCapture startTcp(int port, Path dir, InformationElements model) throws Exception {
        return start("tcp", port, dir, model);
    }

    private static TsharkCapture start(String protocol, int port, Path dir, InformationElements model)
            throws Exception {
        Path file = dir.resolve("capture-" + port + ".pcapng");
        int probePort = FreePorts.udp();
        ChildProcess p = ChildProcess.start(List.of("tshark", "-i", "lo", "-f",
                protocol + " port " + port + " or udp port " + probePort, "-w", file.toString(), "-P", "-l"),
                dir.resolve("tshark-" + port + ".log"));
        p.awaitOutput("Capture started.", Duration.ofSeconds(30));
        TsharkCapture capture = new TsharkCapture(protocol, port, file, p, model);
        capture.awaitProbe(probePort);
        return capture;
    }

    private void awaitProbe(int probePort) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (countPackets(probePort) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("tshark never saw a probe:\n" + tshark.output());
                }
                byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(probe, probe.length, InetAddress.getLoopbackAddress(), probePort));
                Thread.sleep(20);
            }
        }
    }

    /** Packets to {@code toPort} in tshark's live list so far. */
    private long countPackets(int toPort) throws IOException {
        String arrow = "\u2192 " + toPort + " ";
        return tshark.output().lines().filter(l -> l.contains(arrow)).count();
    }

    /** Stops capturing now. */
    void stop() throws Exception {
        tshark.interrupt(Duration.ofSeconds(30));
    }

    /** Frame numbers matching a display filter. */
    List<Integer> frames(String displayFilter) {
        String out = Tools.run(List.of("tshark", "-r", file.toString(), "-d", protocol + ".port==" + port + ",cflow", "-Y",
                displayFilter, "-T", "fields", "-e", "frame.number"));
        return out.lines().filter(l -> !l.isBlank()).map(Integer::parseInt).toList();
    }

    /** Waits until tshark has captured {@code count} datagrams to the port, then stops it. */
    void stopAfter(long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (countPackets(port) < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        tshark.interrupt(Duration.ofSeconds(30));
    }

    private List<String> read(String... extra) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-d", protocol + ".port==" + port + ",cflow",
                "-Y", protocol + ".port==" + port));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Frames with the expert findings of an exporter mistake; empty when all is well. */
    String problems() {
        String out = Tools.run(List.of("tshark", "-r", file.toString(), "-d", protocol + ".port==" + port + ",cflow", "-Y",
                "cflow.no_template_found || cflow.unexpected_sequence_number || _ws.malformed"));
        return out;
    }

    /** "frame ip.len has-templates" per packet: for size and timing checks. */
    List<String[]> packets() {
        String out = Tools.run(read("-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.len",
                "-e", "ipv6.plen", "-e", "cflow.template_id"));
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** Every data record in the capture, in order, decoded by Wireshark. */
    List<Record> records() throws Exception {
        String pdml = Tools.run(read("-T", "pdml"));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)));
        List<Record> out = new ArrayList<>();
        NodeList packets = doc.getElementsByTagName("packet");
        for (int i = 0; i < packets.getLength(); i++) {
            for (Element set : children((Element) packets.item(i), "Set ")) {
                int templateId = Integer.parseInt(field(set, "cflow.flowset_id").getAttribute("show"));
                for (Element flow : children(set, "Flow ")) {
                    out.add(new Record(i + 1, templateId, values(flow)));
                }
            }
        }
        return out;
    }

    /** Nested fields whose "show" starts with {@code prefix} ("Set ", "Flow "), at any depth below. */
    private static List<Element> children(Element parent, String prefix) {
        List<Element> out = new ArrayList<>();
        NodeList all = parent.getElementsByTagName("field");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("name").isEmpty() && e.getAttribute("show").startsWith(prefix)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element field(Element parent, String name) {
        NodeList all = parent.getElementsByTagName("field");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("name").equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " in " + parent.getAttribute("show"));
    }

    private Map<String, Object> values(Element flow) {
        Map<String, Object> values = new LinkedHashMap<>();
        Integer icmpV6Type = null;
        NodeList all = flow.getElementsByTagName("field");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getParentNode() != flow && !isTimeDelta(e.getParentNode())) {
                continue;
            }
            String name = e.getAttribute("name");
            String show = e.getAttribute("show");
            String showname = e.getAttribute("showname");
            if (name.equals("cflow.icmp_ipv6_type")) {
                icmpV6Type = Integer.parseInt(show);
            } else if (name.equals("cflow.icmp_ipv6_code")) {
                values.put("icmpTypeCodeIPv6", (long) (icmpV6Type * 256 + Integer.parseInt(show)));
            } else if (name.equals("cflow.enterprise_private_entry")) {
                putEnterprise(values, showname, e.getAttribute("value"));
            } else if (NAMES.containsKey(name)) {
                String ipfix = NAMES.get(name);
                if (showname.contains("(Reverse Type")) {
                    ipfix = "reverse" + Character.toUpperCase(ipfix.charAt(0)) + ipfix.substring(1);
                }
                values.put(ipfix, RAW_NUMBERS.contains(name) ? Long.parseUnsignedLong(e.getAttribute("value"), 16)
                        : parse(ipfix, show));
            }
        }
        if (values.containsKey("SRC_PROC_CONTAINER_ID")) { // a flow record with the container elements:
            for (String empty : VARIABLE_CONTAINER_STRINGS) { // tshark shows no entry for a zero-length one
                values.putIfAbsent(empty, "");
            }
        }
        return values;
    }

    private static final List<String> VARIABLE_CONTAINER_STRINGS = List.of("sourceContainerRuntime",
            "destinationContainerRuntime", "sourceSystemdUnit", "destinationSystemdUnit", "sourcePodUid", "destinationPodUid");

    private static boolean isTimeDelta(Node n) {
        return n instanceof Element e && e.getAttribute("name").equals("cflow.timedelta");
    }

    private Object parse(String ipfixName, String show) throws IllegalArgumentException {
        InformationElement ie = model.byName(ipfixName);
        return switch (ie.type()) {
            case IPV4_ADDRESS, IPV6_ADDRESS -> address(show);
            case STRING -> show;
            default -> show.startsWith("0x") ? Long.parseLong(show.substring(2), 16) : Long.parseUnsignedLong(show);
        };
    }

    /**
     * Wireshark does not know flowmond's elements, nor ntop's newer ones (35632/558-559 in 4.0): it
     * shows "(vendor) Type N" and the raw bytes.
     */
    private void putEnterprise(Map<String, Object> values, String showname, String hex) {
        int at = showname.indexOf("Type ");
        int id = Integer.parseInt(showname.substring(at + 5, showname.indexOf(':', at)));
        long pen = showname.contains("(ntop)") ? 35632 : 32473;
        InformationElement ie = model.all().stream()
                .filter(x -> x.enterpriseNumber() == pen && x.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no element " + pen + "/" + id + " for " + showname));
        byte[] raw = HexFormat.of().parseHex(hex);
        if (ie.type() == org.flowmond.ipfix.ie.DataType.STRING) {
            String s = new String(raw, StandardCharsets.UTF_8);
            values.put(ie.name(), s.indexOf('\0') >= 0 ? s.substring(0, s.indexOf('\0')) : s);
        } else {
            long v = 0;
            for (byte b : raw) {
                v = (v << 8) | (b & 0xFF);
            }
            values.put(ie.name(), v);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Override
    public void close() {
        tshark.close();
    }
}
