package org.flowmond.ipfix;

import static org.flowmond.ipfix.template.FieldWriters.fixedString;
import static org.flowmond.ipfix.template.FieldWriters.octets;
import static org.flowmond.ipfix.template.FieldWriters.unsigned;

import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.template.ElementBinding;
import org.flowmond.ipfix.template.FieldWriter;

/** Where each flow-template element takes its value from in a {@link FlowRecord}. */
final class FlowRecordBinding implements ElementBinding<FlowRecord> {
    private final BiflowMode mode;

    FlowRecordBinding(BiflowMode mode) {
        this.mode = mode;
    }

    @Override
    public FieldWriter<FlowRecord> writerFor(InformationElement ie) {
        FieldWriter<FlowRecord> container = ContainerBinding.writerFor(ie, r -> r.sourceContainer, r -> r.destinationContainer);
        if (container != null) {
            return container;
        }
        FieldWriter<FlowRecord> tcp = TcpHealthBinding.writerFor(ie, r -> r.tcpHealth);
        if (tcp != null) {
            return tcp;
        }
        int len = ie.length();
        return switch (ie.name()) {
            case "sourceIPv4Address", "sourceIPv6Address" -> octets(len, r -> r.sourceAddress);
            case "destinationIPv4Address", "destinationIPv6Address" -> octets(len, r -> r.destinationAddress);
            case "sourceTransportPort" -> unsigned(len, r -> r.sourcePort);
            case "destinationTransportPort" -> unsigned(len, r -> r.destinationPort);
            case "protocolIdentifier" -> unsigned(len, r -> r.protocol);
            case "icmpTypeCodeIPv4", "icmpTypeCodeIPv6" -> unsigned(len, r -> r.icmpTypeCode);
            case "ingressInterface" -> unsigned(len, r -> r.ingressInterface);
            case "egressInterface" -> unsigned(len, r -> r.egressInterface);
            case "flowDirection" -> unsigned(len, r -> r.direction.code());
            case "flowStartMilliseconds" -> unsigned(len, this::startMillis);
            case "flowEndMilliseconds" -> unsigned(len, this::endMillis);
            case "octetDeltaCount" -> unsigned(len, r -> r.octets);
            case "packetDeltaCount" -> unsigned(len, r -> r.packets);
            case "tcpControlBits" -> unsigned(len, this::tcpFlags);
            case "flowEndReason" -> unsigned(len, r -> r.endReason.code());
            case "flowId" -> unsigned(len, r -> r.flowId);
            case "biflowDirection" -> unsigned(len, r -> r.biflowDirection.code());
            case "reverseOctetDeltaCount", "postOctetDeltaCount" -> unsigned(len, r -> r.reverseOctets);
            case "reversePacketDeltaCount", "postPacketDeltaCount" -> unsigned(len, r -> r.reversePackets);
            case "reverseTcpControlBits" -> unsigned(len, r -> r.reverseTcpFlags);
            case "SRC_PROC_PID" -> unsigned(len, r -> r.sourceProcess.pid());
            case "SRC_PROC_NAME" -> fixedString(len, r -> r.sourceProcess.name());
            case "SRC_PROC_UID" -> unsigned(len, r -> r.sourceProcess.uid());
            case "SRC_PROC_USER_NAME" -> fixedString(len, r -> r.sourceProcess.userName());
            case "SRC_FATHER_PROC_PID" -> unsigned(len, r -> r.sourceProcess.parentPid());
            case "SRC_FATHER_PROC_NAME" -> fixedString(len, r -> r.sourceProcess.parentName());
            case "DST_PROC_PID" -> unsigned(len, r -> r.destinationProcess.pid());
            case "DST_PROC_NAME" -> fixedString(len, r -> r.destinationProcess.name());
            case "DST_PROC_UID" -> unsigned(len, r -> r.destinationProcess.uid());
            case "DST_PROC_USER_NAME" -> fixedString(len, r -> r.destinationProcess.userName());
            case "DST_FATHER_PROC_PID" -> unsigned(len, r -> r.destinationProcess.parentPid());
            case "DST_FATHER_PROC_NAME" -> fixedString(len, r -> r.destinationProcess.parentName());
            case "sourceProcessCgroupId" -> unsigned(len, r -> r.sourceProcess.cgroupId());
            case "destinationProcessCgroupId" -> unsigned(len, r -> r.destinationProcess.cgroupId());
            case "sourceAttribution" -> unsigned(len, r -> code(r.sourceAttribution));
            case "destinationAttribution" -> unsigned(len, r -> code(r.destinationAttribution));
            case "observationNetnsInode" -> unsigned(len, r -> r.observationNetns);
            case "syscallCount" -> unsigned(len, r -> r.syscallCount);
            case "meanTimeBetweenSyscalls" -> unsigned(len, r -> r.meanTimeBetweenSyscallsMicros);
            default -> throw new IllegalArgumentException("flow records have no value for " + ie);
        };
    }

    /** 0 when the side was not attributed. */
    private static long code(SyscallKind attribution) {
        return attribution == null ? 0 : attribution.code();
    }

    /** A biflow record spans both directions; a uniflow record only its own. */
    private long startMillis(FlowRecord r) {
        return mode == BiflowMode.UNIFLOWS ? r.startMillis : r.biflowStartMillis();
    }

    private long endMillis(FlowRecord r) {
        return mode == BiflowMode.UNIFLOWS ? r.endMillis : r.biflowEndMillis();
    }

    /** nProbe reports one TCP_FLAGS for the whole biflow: the union of both directions. */
    private long tcpFlags(FlowRecord r) {
        return mode == BiflowMode.NPROBE ? r.tcpFlags | r.reverseTcpFlags : r.tcpFlags;
    }
}
