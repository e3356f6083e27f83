package org.flowmond.ipfix;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.template.TemplateSpec;

/**
 * The templates flowmond exports, declared as lists of element names. One flow template per IP
 * version and biflow mode, one syscall-flow template per IP version. The options templates
 * (statistics, RFC 5610 type records) are declared next to their records in the template package.
 */
final class FlowTemplates {
    private FlowTemplates() {
    }

    static final List<String> IPV4_KEY = List.of(
            "sourceIPv4Address", "destinationIPv4Address", "sourceTransportPort", "destinationTransportPort",
            "protocolIdentifier", "icmpTypeCodeIPv4");
    static final List<String> IPV6_KEY = List.of(
            "sourceIPv6Address", "destinationIPv6Address", "sourceTransportPort", "destinationTransportPort",
            "protocolIdentifier", "icmpTypeCodeIPv6");

    /** Counters of the record's own direction (the forward one in biflow modes). */
    static final List<String> COUNTERS = List.of(
            "ingressInterface", "egressInterface", "flowDirection",
            "flowStartMilliseconds", "flowEndMilliseconds",
            "octetDeltaCount", "packetDeltaCount", "tcpControlBits",
            "flowEndReason", "flowId");

    /** The reverse direction, RFC 5103 style. */
    static final List<String> REVERSE_RFC5103 = List.of(
            "biflowDirection", "reverseOctetDeltaCount", "reversePacketDeltaCount", "reverseTcpControlBits");

    /** The reverse direction, nProbe style (OUT_BYTES/OUT_PKTS). */
    static final List<String> REVERSE_NPROBE = List.of(
            "biflowDirection", "postOctetDeltaCount", "postPacketDeltaCount");

    /** Both processes: ntop's elements, then flowmond's cgroup ids and how each side was attributed. */
    static final List<String> PROCESSES = List.of(
            "SRC_PROC_PID", "SRC_PROC_NAME", "SRC_PROC_UID", "SRC_PROC_USER_NAME",
            "SRC_FATHER_PROC_PID", "SRC_FATHER_PROC_NAME",
            "DST_PROC_PID", "DST_PROC_NAME", "DST_PROC_UID", "DST_PROC_USER_NAME",
            "DST_FATHER_PROC_PID", "DST_FATHER_PROC_NAME",
            "sourceProcessCgroupId", "destinationProcessCgroupId",
            "sourceAttribution", "destinationAttribution");

    /**
     * The container or systemd unit of each side's process: ntop's container IDs (nProbe's 16
     * octets), flowmond's runtime, unit and pod UID (variable length: one octet each when empty).
     */
    static final List<String> CONTAINERS = List.of(
            "SRC_PROC_CONTAINER_ID", "DST_PROC_CONTAINER_ID",
            "sourceContainerRuntime", "destinationContainerRuntime",
            "sourceSystemdUnit", "destinationSystemdUnit",
            "sourcePodUid", "destinationPodUid");

    /**
     * The network namespaces of each side's socket and the one that counted the flow (flowmond's
     * elements; 4 octets each, 0 when not known).
     */
    static final List<String> NAMESPACE = List.of("sourceNetnsInode", "destinationNetnsInode", "observationNetnsInode");

    static final List<String> SYSCALLS = List.of("syscallCount", "meanTimeBetweenSyscalls");

    /**
     * TCP health of a biflow record, after everything else (pmacct reads an enterprise id that a
     * template carries twice only as the second of its id: ntop's 109, 123, 124 and 127 come after
     * flowmond's). IN, source and the unprefixed reset count are the forward direction.
     */
    static final List<String> TCP_HEALTH_BIFLOW = List.of(
            "CLIENT_NW_LATENCY_MS", "SERVER_NW_LATENCY_MS",
            "RETRANSMITTED_IN_PKTS", "RETRANSMITTED_IN_BYTES", "RETRANSMITTED_OUT_PKTS", "RETRANSMITTED_OUT_BYTES",
            "OOORDER_IN_PKTS", "OOORDER_OUT_PKTS",
            "tcpRstTotalCount", "reverseTcpRstTotalCount",
            "clientHandshakeMicroseconds", "serverHandshakeMicroseconds",
            "tcpRttMinMicroseconds", "tcpRttMeanMicroseconds", "tcpRttMaxMicroseconds",
            "sourceZeroWindowDeltaCount", "destinationZeroWindowDeltaCount");

    /**
     * A uniflow record is one direction: only its own counts (IN, source). The handshakes and RTT
     * describe the connection and go in both records of a biflow.
     */
    static final List<String> TCP_HEALTH_UNIFLOW = List.of(
            "CLIENT_NW_LATENCY_MS", "SERVER_NW_LATENCY_MS",
            "RETRANSMITTED_IN_PKTS", "RETRANSMITTED_IN_BYTES", "OOORDER_IN_PKTS",
            "tcpRstTotalCount",
            "clientHandshakeMicroseconds", "serverHandshakeMicroseconds",
            "tcpRttMinMicroseconds", "tcpRttMeanMicroseconds", "tcpRttMaxMicroseconds",
            "sourceZeroWindowDeltaCount");

    /** The connections behind a syscall flow. */
    static final List<String> CONNECT_HEALTH = List.of(
            "connectHandshakeMaxMicroseconds", "connectHandshakeMeanMicroseconds", "connectRetransmittedPacketDeltaCount");

    /** The flow template of TCP records with health: the lean one and the health elements. */
    static TemplateSpec tcpFlow(int ipVersion, BiflowMode mode) {
        TemplateSpec lean = flow(ipVersion, mode);
        List<String> names = new ArrayList<>(lean.fields());
        names.addAll(mode == BiflowMode.UNIFLOWS ? TCP_HEALTH_UNIFLOW : TCP_HEALTH_BIFLOW);
        return TemplateSpec.of(lean.name() + "-tcp", names);
    }

    /** The syscall-flow template of records with a connect summary. */
    static TemplateSpec connectSyscallFlow(int ipVersion) {
        TemplateSpec lean = syscallFlow(ipVersion);
        List<String> names = new ArrayList<>(lean.fields());
        names.addAll(CONNECT_HEALTH);
        return TemplateSpec.of(lean.name() + "-connect", names);
    }

    static TemplateSpec flow(int ipVersion, BiflowMode mode) {
        List<String> names = new ArrayList<>(ipVersion == 4 ? IPV4_KEY : IPV6_KEY);
        names.addAll(COUNTERS);
        switch (mode) {
            case RFC5103 -> names.addAll(REVERSE_RFC5103);
            case NPROBE -> names.addAll(REVERSE_NPROBE);
            case UNIFLOWS -> {
                // the reverse direction is a record of its own
            }
        }
        names.addAll(PROCESSES);
        names.addAll(CONTAINERS);
        names.addAll(NAMESPACE);
        names.addAll(SYSCALLS);
        return TemplateSpec.of("flow-ipv" + ipVersion + "-" + mode.name().toLowerCase(), names);
    }

    static TemplateSpec syscallFlow(int ipVersion) {
        String v = ipVersion == 4 ? "IPv4" : "IPv6";
        return TemplateSpec.of("syscall-flow-ipv" + ipVersion, List.of(
                "flowStartMilliseconds", "flowEndMilliseconds", "ipVersion",
                "source" + v + "Address", "destination" + v + "Address", "destinationTransportPort",
                "protocolIdentifier", "processId", "processName", "syscallKind",
                "syscallCount", "meanTimeBetweenSyscalls"));
    }
}
