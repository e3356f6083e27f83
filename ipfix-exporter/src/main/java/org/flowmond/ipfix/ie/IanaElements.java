package org.flowmond.ipfix.ie;

import static org.flowmond.ipfix.ie.DataType.DATE_TIME_MILLISECONDS;
import static org.flowmond.ipfix.ie.DataType.IPV4_ADDRESS;
import static org.flowmond.ipfix.ie.DataType.IPV6_ADDRESS;
import static org.flowmond.ipfix.ie.DataType.STRING;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED16;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED32;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED64;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED8;
import static org.flowmond.ipfix.ie.Semantics.DEFAULT;
import static org.flowmond.ipfix.ie.Semantics.DELTA_COUNTER;
import static org.flowmond.ipfix.ie.Semantics.FLAGS;
import static org.flowmond.ipfix.ie.Semantics.IDENTIFIER;
import static org.flowmond.ipfix.ie.Semantics.QUANTITY;
import static org.flowmond.ipfix.ie.Semantics.TOTAL_COUNTER;

import java.util.List;

/**
 * The IANA Information Elements flowmond uses, as listed in IANA's "IPFIX Information Elements"
 * registry (RFC 7012). Written once, by hand; names are IANA's.
 */
public final class IanaElements {
    private IanaElements() {
    }

    private static InformationElement ie(String name, int id, DataType type, Semantics semantics, Units units,
                                         String description) {
        return InformationElement.of(name, 0, id, type, semantics, units, description);
    }

    /** Elements whose RFC 5103 reverse counterpart flowmond may send (see {@link ReverseElements}). */
    static final List<String> REVERSIBLE = List.of(
            "octetDeltaCount", "packetDeltaCount", "tcpControlBits",
            "flowStartMilliseconds", "flowEndMilliseconds", "tcpRstTotalCount");

    public static final List<InformationElement> ALL = List.of(
            // flow counters and keys
            ie("octetDeltaCount", 1, UNSIGNED64, DELTA_COUNTER, Units.OCTETS, "octets since the previous report"),
            ie("packetDeltaCount", 2, UNSIGNED64, DELTA_COUNTER, Units.PACKETS, "packets since the previous report"),
            ie("protocolIdentifier", 4, UNSIGNED8, IDENTIFIER, Units.NONE, "IP protocol number"),
            // one octet (reduced-size encoding, RFC 7011 section 6.2): pmacct reads TCP flags only
            // from a 1-octet field and nProbe sends 1; the eight classic flags fit, NS (0x100, the
            // ECN nonce retired by RFC 8311) is left out
            new InformationElement("tcpControlBits", 0, 6, UNSIGNED16, FLAGS, Units.NONE, 1,
                    "TCP flags seen in the flow (RFC 7125)"),
            ie("sourceTransportPort", 7, UNSIGNED16, IDENTIFIER, Units.NONE, "source port"),
            ie("sourceIPv4Address", 8, IPV4_ADDRESS, DEFAULT, Units.NONE, "IPv4 source address"),
            ie("ingressInterface", 10, UNSIGNED32, IDENTIFIER, Units.NONE, "ifIndex the packets arrived on"),
            ie("destinationTransportPort", 11, UNSIGNED16, IDENTIFIER, Units.NONE, "destination port"),
            ie("destinationIPv4Address", 12, IPV4_ADDRESS, DEFAULT, Units.NONE, "IPv4 destination address"),
            ie("egressInterface", 14, UNSIGNED32, IDENTIFIER, Units.NONE, "ifIndex the packets left on"),
            ie("postOctetDeltaCount", 23, UNSIGNED64, DELTA_COUNTER, Units.OCTETS,
                    "octets; nProbe sends the reverse direction of a biflow here"),
            ie("postPacketDeltaCount", 24, UNSIGNED64, DELTA_COUNTER, Units.PACKETS,
                    "packets; nProbe sends the reverse direction of a biflow here"),
            ie("sourceIPv6Address", 27, IPV6_ADDRESS, DEFAULT, Units.NONE, "IPv6 source address"),
            ie("destinationIPv6Address", 28, IPV6_ADDRESS, DEFAULT, Units.NONE, "IPv6 destination address"),
            ie("icmpTypeCodeIPv4", 32, UNSIGNED16, IDENTIFIER, Units.NONE, "ICMP type * 256 + code"),
            ie("ipVersion", 60, UNSIGNED8, IDENTIFIER, Units.NONE, "IP version, 4 or 6"),
            ie("flowDirection", 61, UNSIGNED8, IDENTIFIER, Units.NONE, "0 ingress, 1 egress"),
            ie("flowEndReason", 136, UNSIGNED8, IDENTIFIER, Units.NONE, "why the flow was reported"),
            ie("icmpTypeCodeIPv6", 139, UNSIGNED16, IDENTIFIER, Units.NONE, "ICMPv6 type * 256 + code"),
            ie("flowId", 148, UNSIGNED64, IDENTIFIER, Units.NONE, "identifier of the flow, unique per domain"),
            ie("flowStartMilliseconds", 152, DATE_TIME_MILLISECONDS, DEFAULT, Units.MILLISECONDS,
                    "first packet of the flow"),
            ie("flowEndMilliseconds", 153, DATE_TIME_MILLISECONDS, DEFAULT, Units.MILLISECONDS,
                    "last packet of the flow"),
            ie("tcpRstTotalCount", 220, UNSIGNED64, TOTAL_COUNTER, Units.PACKETS,
                    "TCP segments with RST the source sent since the flow began"),
            ie("biflowDirection", 239, UNSIGNED8, IDENTIFIER, Units.NONE,
                    "0 arbitrary, 1 initiator, 2 reverseInitiator, 3 perimeter (RFC 5103)"),
            // exporter statistics (RFC 7011 section 4)
            ie("exportedOctetTotalCount", 40, UNSIGNED64, TOTAL_COUNTER, Units.OCTETS,
                    "octets of IPFIX messages sent to this collector"),
            ie("exportedMessageTotalCount", 41, UNSIGNED64, TOTAL_COUNTER, Units.MESSAGES,
                    "IPFIX messages sent to this collector"),
            ie("exportedFlowRecordTotalCount", 42, UNSIGNED64, TOTAL_COUNTER, Units.FLOWS,
                    "flow records sent to this collector"),
            ie("exportingProcessId", 144, UNSIGNED32, IDENTIFIER, Units.NONE,
                    "the exporting process (scope of the daemon health records)"),
            ie("observationDomainId", 149, UNSIGNED32, IDENTIFIER, Units.NONE, "observation domain"),
            ie("ignoredPacketTotalCount", 164, UNSIGNED64, TOTAL_COUNTER, Units.PACKETS,
                    "packets observed but not accounted"),
            ie("notSentFlowTotalCount", 166, UNSIGNED64, TOTAL_COUNTER, Units.FLOWS,
                    "flow records dropped instead of sent to this collector"),
            // RFC 5610 type records
            ie("informationElementId", 303, UNSIGNED16, IDENTIFIER, Units.NONE, "element identifier"),
            ie("informationElementDataType", 339, UNSIGNED8, IDENTIFIER, Units.NONE, "data type code"),
            new InformationElement("informationElementDescription", 0, 340, STRING, DEFAULT, Units.NONE,
                    DataType.VARIABLE_LENGTH, "element description"),
            new InformationElement("informationElementName", 0, 341, STRING, DEFAULT, Units.NONE,
                    DataType.VARIABLE_LENGTH, "element name"),
            ie("informationElementRangeBegin", 342, UNSIGNED64, QUANTITY, Units.NONE, "lowest value, 0 if none"),
            ie("informationElementRangeEnd", 343, UNSIGNED64, QUANTITY, Units.NONE, "highest value, 0 if none"),
            ie("informationElementSemantics", 344, UNSIGNED8, IDENTIFIER, Units.NONE, "semantics code"),
            ie("informationElementUnits", 345, UNSIGNED16, IDENTIFIER, Units.NONE, "units code"),
            ie("privateEnterpriseNumber", 346, UNSIGNED32, IDENTIFIER, Units.NONE, "private enterprise number"));
}
