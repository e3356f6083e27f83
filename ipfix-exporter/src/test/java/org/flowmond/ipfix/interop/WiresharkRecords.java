package org.flowmond.ipfix.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.testing.TsharkCapture;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The data records of a {@link TsharkCapture} as maps from IPFIX element names to values,
 * translated from Wireshark's own field names and typed by the exporter's element table, so they
 * compare directly with what was sent.
 */
final class WiresharkRecords {
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
            Map.entry("cflow.ignore_packets", "ignoredPacketTotalCount"),
            // TCP health: ntop's by Wireshark 4.0's names (SERVER_NW_LATENCY_MS without "ntop."), IANA 220
            Map.entry("cflow.pie.ntop.client_nw_latency_ms", "CLIENT_NW_LATENCY_MS"),
            Map.entry("cflow.pie.server_nw_latency_ms", "SERVER_NW_LATENCY_MS"),
            Map.entry("cflow.pie.ntop.retransmitted_in_pkts", "RETRANSMITTED_IN_PKTS"),
            Map.entry("cflow.pie.ntop.retransmitted_out_pkts", "RETRANSMITTED_OUT_PKTS"),
            Map.entry("cflow.pie.ntop.retransmitted_in_bytes", "RETRANSMITTED_IN_BYTES"),
            Map.entry("cflow.pie.ntop.retransmitted_out_bytes", "RETRANSMITTED_OUT_BYTES"),
            Map.entry("cflow.pie.ntop.ooorder_in_pkts", "OOORDER_IN_PKTS"),
            Map.entry("cflow.pie.ntop.ooorder_out_pkts", "OOORDER_OUT_PKTS"),
            Map.entry("cflow.total_tcp_rst", "tcpRstTotalCount"));
    /** ntop's elements that Wireshark 4.0 names: one shown only by number is a failure, not a fallback. */
    private static final java.util.Set<String> NAMED_BY_WIRESHARK = java.util.Set.of("CLIENT_NW_LATENCY_MS",
            "SERVER_NW_LATENCY_MS", "RETRANSMITTED_IN_PKTS", "RETRANSMITTED_OUT_PKTS", "RETRANSMITTED_IN_BYTES",
            "RETRANSMITTED_OUT_BYTES", "OOORDER_IN_PKTS", "OOORDER_OUT_PKTS");
    /** Fields whose raw value is the number (times: Wireshark shows them as dates). */
    private static final List<String> RAW_NUMBERS = List.of("cflow.abstimestart", "cflow.abstimeend");

    /** A decoded data record: capture frame, template, values by IPFIX element name. */
    record Record(int frame, int templateId, Map<String, Object> values) {
    }

    private final InformationElements model;

    private WiresharkRecords(InformationElements model) {
        this.model = model;
    }

    /** Every data record of the capture, in order, decoded by Wireshark, values typed by {@code model}. */
    static List<Record> of(TsharkCapture capture, InformationElements model) throws Exception {
        return of(capture.pdml(), model);
    }

    /** Every data record of a capture's PDML (e.g. decoded with other preferences). */
    static List<Record> of(String pdml, InformationElements model) throws Exception {
        return new WiresharkRecords(model).decode(pdml);
    }

    private List<Record> decode(String pdml) throws Exception {
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
        if (NAMED_BY_WIRESHARK.contains(ie.name())) {
            throw new AssertionError("Wireshark showed " + ie.name() + " by number only: " + showname);
        }
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
}
