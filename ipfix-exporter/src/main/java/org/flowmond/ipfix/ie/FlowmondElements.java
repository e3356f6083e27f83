package org.flowmond.ipfix.ie;

import static org.flowmond.ipfix.ie.DataType.STRING;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED32;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED64;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED8;

import java.util.List;

/**
 * flowmond's own elements, for what neither IANA nor ntop has a name. They live under an
 * enterprise number chosen by the operator; until flowmond has a registered PEN the default is
 * {@link #DOCUMENTATION_PEN}. Collectors learn their names and types from RFC 5610 type records.
 */
public final class FlowmondElements {
    /** The PEN IANA reserves for documentation (RFC 5612): an honest placeholder default. */
    public static final long DOCUMENTATION_PEN = 32473;

    private FlowmondElements() {
    }

    /**
     * flowmond's elements under {@code enterpriseNumber}. Ids are stable: never renumber one.
     * They start at 101 so that no id is also the id of a reverse (PEN 29305) or ntop element in
     * the same template: pmacct 1.7 matches enterprise fields by id first and loses the second
     * field of a template that carries the same id under two PENs. The exception came later: ntop's
     * TCP elements 109, 123, 124 and 127 share ids with 109, 123, 124 and 127 here, so the TCP
     * templates put ntop's after flowmond's and pmacct reads ntop's as the second of their id
     * (README, "TCP health").
     */
    public static List<InformationElement> withEnterprise(long enterpriseNumber) {
        if (enterpriseNumber == 0 || enterpriseNumber == NtopElements.PEN || enterpriseNumber == ReverseElements.PEN) {
            throw new IllegalArgumentException("flowmond's enterprise number must be its own, not " + enterpriseNumber);
        }
        long pen = enterpriseNumber;
        return List.of(
                InformationElement.of("syscallCount", pen, 101, UNSIGNED64, Semantics.DELTA_COUNTER, Units.NONE,
                        "connect/accept calls in the flow"),
                InformationElement.of("meanTimeBetweenSyscalls", pen, 102, UNSIGNED64, Semantics.QUANTITY,
                        Units.MICROSECONDS, "mean time between consecutive calls of the flow (MTBS)"),
                InformationElement.of("syscallKind", pen, 103, UNSIGNED8, Semantics.IDENTIFIER, Units.NONE,
                        "1 connect, 2 accept, 3 socket found by a scan"),
                InformationElement.of("processId", pen, 104, UNSIGNED32, Semantics.IDENTIFIER, Units.NONE,
                        "process that made the calls"),
                new InformationElement("processName", pen, 105, STRING, Semantics.DEFAULT, Units.NONE,
                        NtopElements.NAME_LENGTH, "command name of the process that made the calls"),
                InformationElement.of("sourceProcessCgroupId", pen, 106, UNSIGNED64, Semantics.IDENTIFIER,
                        Units.NONE, "cgroup id of the client process"),
                InformationElement.of("destinationProcessCgroupId", pen, 107, UNSIGNED64, Semantics.IDENTIFIER,
                        Units.NONE, "cgroup id of the server process"),
                InformationElement.of("sourceAttribution", pen, 108, UNSIGNED8, Semantics.IDENTIFIER, Units.NONE,
                        "how the client process was found: 0 not, 1 connect, 2 accept, 3 socket scan"),
                InformationElement.of("destinationAttribution", pen, 109, UNSIGNED8, Semantics.IDENTIFIER,
                        Units.NONE, "how the server process was found: 0 not, 1 connect, 2 accept, 3 socket scan"),
                // the daemon's health (options records, scope exportingProcessId)
                InformationElement.of("flowsActive", pen, 110, UNSIGNED64, Semantics.QUANTITY, Units.FLOWS,
                        "biflows in the daemon's flow table"),
                InformationElement.of("flowsExported", pen, 111, UNSIGNED64, Semantics.TOTAL_COUNTER, Units.FLOWS,
                        "biflow records the daemon has exported since it started"),
                InformationElement.of("droppedMapFull", pen, 112, UNSIGNED64, Semantics.TOTAL_COUNTER,
                        Units.PACKETS, "packets the kernel could not count because its flow map was full"),
                InformationElement.of("droppedRingBuffer", pen, 113, UNSIGNED64, Semantics.TOTAL_COUNTER,
                        Units.NONE, "kernel events lost because the ring buffer was full"),
                InformationElement.of("droppedSendQueue", pen, 114, UNSIGNED64, Semantics.TOTAL_COUNTER,
                        Units.FLOWS, "records dropped because the IPFIX send queue was full"),
                InformationElement.of("droppedEventQueue", pen, 115, UNSIGNED64, Semantics.TOTAL_COUNTER,
                        Units.NONE, "socket events dropped because the daemon's event queue was full"),
                InformationElement.of("probeVariant", pen, 116, UNSIGNED8, Semantics.IDENTIFIER, Units.NONE,
                        "syscall probes in use: 0 none, 1 fentry, 2 kprobe, 3 tracepoint, 4 raw_tracepoint, 5 socket"),
                // per destination, in the exporter statistics records
                InformationElement.of("icmpErrorCount", pen, 117, UNSIGNED64, Semantics.TOTAL_COUNTER, Units.MESSAGES,
                        "ICMP errors the kernel reported for this UDP collector (each refused one message)"),
                InformationElement.of("refusedFlowCount", pen, 118, UNSIGNED64, Semantics.TOTAL_COUNTER, Units.FLOWS,
                        "flow records in the messages this UDP collector refused (part of notSentFlowTotalCount)"),
                // containers and namespaces of the two processes (the container IDs are ntop's elements)
                variableString("sourceContainerRuntime", pen, 119,
                        "what made the client process's cgroup: docker, containerd, cri-o, podman, cri, machined, systemd"),
                variableString("destinationContainerRuntime", pen, 120,
                        "what made the server process's cgroup: docker, containerd, cri-o, podman, cri, machined, systemd"),
                variableString("sourceSystemdUnit", pen, 121, "systemd unit of the client process (e.g. ssh.service)"),
                variableString("destinationSystemdUnit", pen, 122, "systemd unit of the server process"),
                variableString("sourcePodUid", pen, 123, "Kubernetes pod UID of the client process"),
                variableString("destinationPodUid", pen, 124, "Kubernetes pod UID of the server process"),
                InformationElement.of("sourceNetnsInode", pen, 125, UNSIGNED32, Semantics.IDENTIFIER, Units.NONE,
                        "network namespace (nsfs inode) of the client process's socket"),
                InformationElement.of("destinationNetnsInode", pen, 126, UNSIGNED32, Semantics.IDENTIFIER,
                        Units.NONE, "network namespace (nsfs inode) of the server process's socket"),
                InformationElement.of("observationNetnsInode", pen, 127, UNSIGNED32, Semantics.IDENTIFIER,
                        Units.NONE, "network namespace (nsfs inode) in which the flow's packets were counted"),
                // TCP health (128 stays free: ntop's RETRANSMITTED_OUT_BYTES, 35632/128, is in the same template)
                micros("clientHandshakeMicroseconds", pen, 129,
                        "TCP handshake, client side: SYN-ACK to ACK as seen here, whole interval; 0 = not measured"),
                micros("serverHandshakeMicroseconds", pen, 130,
                        "TCP handshake, server side: SYN to SYN-ACK as seen here, whole interval; 0 = not measured"),
                micros("tcpRttMinMicroseconds", pen, 131, "smallest TCP round-trip time in the record; 0 = not known"),
                micros("tcpRttMeanMicroseconds", pen, 132, "mean TCP round-trip time over the record; 0 = not known"),
                micros("tcpRttMaxMicroseconds", pen, 133, "largest TCP round-trip time in the record; 0 = not known"),
                InformationElement.of("sourceZeroWindowDeltaCount", pen, 134, UNSIGNED32, Semantics.DELTA_COUNTER,
                        Units.PACKETS, "TCP segments advertising a zero window, source to destination"),
                InformationElement.of("destinationZeroWindowDeltaCount", pen, 135, UNSIGNED32, Semantics.DELTA_COUNTER,
                        Units.PACKETS, "TCP segments advertising a zero window, destination to source"),
                // the connections behind a syscall flow
                micros("connectHandshakeMaxMicroseconds", pen, 136,
                        "longest handshake of the process's connections in the record; 0 = none measured"),
                micros("connectHandshakeMeanMicroseconds", pen, 137,
                        "mean handshake of the process's connections in the record; 0 = none measured"),
                InformationElement.of("connectRetransmittedPacketDeltaCount", pen, 138, UNSIGNED32,
                        Semantics.DELTA_COUNTER, Units.PACKETS, "TCP segments the process's connections retransmitted"));
    }

    private static InformationElement micros(String name, long pen, int id, String description) {
        return InformationElement.of(name, pen, id, UNSIGNED32, Semantics.QUANTITY, Units.MICROSECONDS, description);
    }

    private static InformationElement variableString(String name, long pen, int id, String description) {
        return new InformationElement(name, pen, id, STRING, Semantics.DEFAULT, Units.NONE, DataType.VARIABLE_LENGTH,
                description);
    }
}
