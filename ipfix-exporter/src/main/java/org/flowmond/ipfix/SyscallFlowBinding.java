package org.flowmond.ipfix;

import static org.flowmond.ipfix.template.FieldWriters.fixedString;
import static org.flowmond.ipfix.template.FieldWriters.octets;
import static org.flowmond.ipfix.TcpHealthBinding.saturated;
import static org.flowmond.ipfix.template.FieldWriters.unsigned;

import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.template.ElementBinding;
import org.flowmond.ipfix.template.FieldWriter;

/** Where each syscall-flow element takes its value from in a {@link SyscallFlowRecord}. */
final class SyscallFlowBinding implements ElementBinding<SyscallFlowRecord> {
    /** Syscall flows are TCP connections. */
    private static final int TCP = 6;

    @Override
    public FieldWriter<SyscallFlowRecord> writerFor(InformationElement ie) {
        int len = ie.length();
        return switch (ie.name()) {
            case "flowStartMilliseconds" -> unsigned(len, r -> r.firstMillis);
            case "flowEndMilliseconds" -> unsigned(len, r -> r.lastMillis);
            case "ipVersion" -> unsigned(len, SyscallFlowRecord::ipVersion);
            case "sourceIPv4Address", "sourceIPv6Address" -> octets(len, r -> r.sourceAddress);
            case "destinationIPv4Address", "destinationIPv6Address" -> octets(len, r -> r.destinationAddress);
            case "destinationTransportPort" -> unsigned(len, r -> r.port);
            case "protocolIdentifier" -> unsigned(len, r -> TCP);
            case "processId" -> unsigned(len, r -> r.processId);
            case "processName" -> fixedString(len, r -> r.processName);
            case "syscallKind" -> unsigned(len, r -> r.kind.code());
            case "syscallCount" -> unsigned(len, r -> r.count);
            case "meanTimeBetweenSyscalls" -> unsigned(len, r -> r.meanTimeBetweenSyscallsMicros);
            case "connectHandshakeMaxMicroseconds" -> saturated(len, r -> r.connectHealth.worstHandshakeMicros());
            case "connectHandshakeMeanMicroseconds" -> saturated(len, r -> r.connectHealth.meanHandshakeMicros());
            case "connectRetransmittedPacketDeltaCount" -> saturated(len, r -> r.connectHealth.retransmittedPackets());
            default -> throw new IllegalArgumentException("syscall flow records have no value for " + ie);
        };
    }
}
