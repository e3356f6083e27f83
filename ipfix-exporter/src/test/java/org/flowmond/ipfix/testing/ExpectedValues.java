package org.flowmond.ipfix.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.ContainerInfo;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.ProcessInfo;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.TcpHealth;

/**
 * What a collector must decode for a record, written from the specification (README, interop.md)
 * and independently of the exporter's bindings: element name to value, for each data record the
 * record becomes. Numbers are {@code Long} (unsigned64 as Java's signed long bits), addresses
 * {@code InetAddress}, names {@code String} cut to 16 UTF-8 octets.
 */
public final class ExpectedValues {
    private ExpectedValues() {
    }

    /** The data records of one flow: one in the biflow modes, one per non-empty direction for uniflows. */
    public static List<Map<String, Object>> flow(FlowRecord r, BiflowMode mode) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (mode != BiflowMode.UNIFLOWS) {
            Map<String, Object> m = key(r, false);
            m.put("ingressInterface", r.ingressInterface());
            m.put("egressInterface", r.egressInterface());
            m.put("flowDirection", (long) r.direction().code());
            m.put("flowStartMilliseconds", r.biflowStartMillis());
            m.put("flowEndMilliseconds", r.biflowEndMillis());
            m.put("octetDeltaCount", r.octets());
            m.put("packetDeltaCount", r.packets());
            m.put("tcpControlBits", flags(mode == BiflowMode.NPROBE ? r.tcpFlags() | r.reverseTcpFlags() : r.tcpFlags()));
            m.put("flowEndReason", (long) r.endReason().code());
            m.put("flowId", r.flowId());
            m.put("biflowDirection", (long) r.biflowDirection().code());
            if (mode == BiflowMode.RFC5103) {
                m.put("reverseOctetDeltaCount", r.reverseOctets());
                m.put("reversePacketDeltaCount", r.reversePackets());
                m.put("reverseTcpControlBits", flags(r.reverseTcpFlags()));
            } else {
                m.put("postOctetDeltaCount", r.reverseOctets());
                m.put("postPacketDeltaCount", r.reversePackets());
            }
            processes(m, r.sourceProcess(), r.destinationProcess());
            attribution(m, r, false);
            m.put("observationNetnsInode", r.observationNetns());
            containers(m, r.sourceContainer(), r.destinationContainer());
            syscalls(m, r);
            r.tcpHealth().ifPresent(h -> biflowHealth(m, h));
            out.add(m);
            return out;
        }
        if (r.packets() != 0 || r.octets() != 0) {
            Map<String, Object> m = key(r, false);
            m.put("ingressInterface", r.ingressInterface());
            m.put("egressInterface", r.egressInterface());
            m.put("flowDirection", (long) r.direction().code());
            m.put("flowStartMilliseconds", r.startMillis());
            m.put("flowEndMilliseconds", r.endMillis());
            m.put("octetDeltaCount", r.octets());
            m.put("packetDeltaCount", r.packets());
            m.put("tcpControlBits", flags(r.tcpFlags()));
            m.put("flowEndReason", (long) r.endReason().code());
            m.put("flowId", r.flowId());
            processes(m, r.sourceProcess(), r.destinationProcess());
            attribution(m, r, false);
            m.put("observationNetnsInode", r.observationNetns());
            containers(m, r.sourceContainer(), r.destinationContainer());
            syscalls(m, r);
            r.tcpHealth().ifPresent(h -> uniflowHealth(m, h, false));
            out.add(m);
        }
        if (r.reversePackets() != 0 || r.reverseOctets() != 0) {
            Map<String, Object> m = key(r, true);
            m.put("ingressInterface", r.egressInterface());
            m.put("egressInterface", r.ingressInterface());
            m.put("flowDirection", (long) (1 - r.direction().code()));
            m.put("flowStartMilliseconds", r.reverseStartMillis());
            m.put("flowEndMilliseconds", r.reverseEndMillis());
            m.put("octetDeltaCount", r.reverseOctets());
            m.put("packetDeltaCount", r.reversePackets());
            m.put("tcpControlBits", flags(r.reverseTcpFlags()));
            m.put("flowEndReason", (long) r.endReason().code());
            m.put("flowId", r.flowId());
            processes(m, r.destinationProcess(), r.sourceProcess());
            attribution(m, r, true);
            m.put("observationNetnsInode", r.observationNetns());
            containers(m, r.destinationContainer(), r.sourceContainer());
            syscalls(m, r);
            r.tcpHealth().ifPresent(h -> uniflowHealth(m, h, true));
            out.add(m);
        }
        return out;
    }

    /**
     * A biflow record's TCP health (README, "TCP health"): IN and source = forward, OUT, reverse
     * and destination = reverse; ntop's latencies half the interval in whole ms (half up); ntop's
     * and flowmond's 4-octet fields at most 2^32-1.
     */
    private static void biflowHealth(Map<String, Object> m, TcpHealth h) {
        connection(m, h);
        m.put("RETRANSMITTED_IN_PKTS", u32(h.retransmittedPackets()));
        m.put("RETRANSMITTED_IN_BYTES", u32(h.retransmittedBytes()));
        m.put("RETRANSMITTED_OUT_PKTS", u32(h.reverseRetransmittedPackets()));
        m.put("RETRANSMITTED_OUT_BYTES", u32(h.reverseRetransmittedBytes()));
        m.put("OOORDER_IN_PKTS", u32(h.outOfOrderPackets()));
        m.put("OOORDER_OUT_PKTS", u32(h.reverseOutOfOrderPackets()));
        m.put("tcpRstTotalCount", h.resets());
        m.put("reverseTcpRstTotalCount", h.reverseResets());
        m.put("sourceZeroWindowDeltaCount", u32(h.zeroWindows()));
        m.put("destinationZeroWindowDeltaCount", u32(h.reverseZeroWindows()));
    }

    /** A uniflow record carries its own direction's counts only (the reverse record: the reverse counts). */
    private static void uniflowHealth(Map<String, Object> m, TcpHealth h, boolean reverse) {
        connection(m, h);
        m.put("RETRANSMITTED_IN_PKTS", u32(reverse ? h.reverseRetransmittedPackets() : h.retransmittedPackets()));
        m.put("RETRANSMITTED_IN_BYTES", u32(reverse ? h.reverseRetransmittedBytes() : h.retransmittedBytes()));
        m.put("OOORDER_IN_PKTS", u32(reverse ? h.reverseOutOfOrderPackets() : h.outOfOrderPackets()));
        m.put("tcpRstTotalCount", reverse ? h.reverseResets() : h.resets());
        m.put("sourceZeroWindowDeltaCount", u32(reverse ? h.reverseZeroWindows() : h.zeroWindows()));
    }

    /** What describes the connection, the same in both uniflow records. */
    private static void connection(Map<String, Object> m, TcpHealth h) {
        m.put("CLIENT_NW_LATENCY_MS", u32(Math.round(h.clientHandshakeMicros() / 2000.0)));
        m.put("SERVER_NW_LATENCY_MS", u32(Math.round(h.serverHandshakeMicros() / 2000.0)));
        m.put("clientHandshakeMicroseconds", u32(h.clientHandshakeMicros()));
        m.put("serverHandshakeMicroseconds", u32(h.serverHandshakeMicros()));
        m.put("tcpRttMinMicroseconds", u32(h.rttMinMicros()));
        m.put("tcpRttMeanMicroseconds", u32(h.rttMeanMicros()));
        m.put("tcpRttMaxMicroseconds", u32(h.rttMaxMicros()));
    }

    private static long u32(long v) {
        return Math.min(v, 0xFFFF_FFFFL);
    }

    /** tcpControlBits travels in one octet: NS (0x100) is not exported (see FlowRecord.Builder#forward). */
    private static long flags(int bits) {
        return bits & 0xFF;
    }

    private static Map<String, Object> key(FlowRecord r, boolean swapped) {
        Map<String, Object> m = new LinkedHashMap<>();
        String v = r.ipVersion() == 4 ? "IPv4" : "IPv6";
        m.put("source" + v + "Address", swapped ? r.destinationAddress() : r.sourceAddress());
        m.put("destination" + v + "Address", swapped ? r.sourceAddress() : r.destinationAddress());
        m.put("sourceTransportPort", (long) (swapped ? r.destinationPort() : r.sourcePort()));
        m.put("destinationTransportPort", (long) (swapped ? r.sourcePort() : r.destinationPort()));
        m.put("protocolIdentifier", (long) r.protocol());
        m.put("icmpTypeCode" + v, (long) r.icmpTypeCode());
        return m;
    }

    private static void attribution(Map<String, Object> m, FlowRecord r, boolean swapped) {
        long source = r.sourceAttribution().map(k -> (long) k.code()).orElse(0L);
        long destination = r.destinationAttribution().map(k -> (long) k.code()).orElse(0L);
        m.put("sourceAttribution", swapped ? destination : source);
        m.put("destinationAttribution", swapped ? source : destination);
    }

    private static void processes(Map<String, Object> m, ProcessInfo src, ProcessInfo dst) {
        m.put("SRC_PROC_PID", src.pid());
        m.put("SRC_PROC_NAME", cut(src.name()));
        m.put("SRC_PROC_UID", src.uid());
        m.put("SRC_PROC_USER_NAME", cut(src.userName()));
        m.put("SRC_FATHER_PROC_PID", src.parentPid());
        m.put("SRC_FATHER_PROC_NAME", cut(src.parentName()));
        m.put("DST_PROC_PID", dst.pid());
        m.put("DST_PROC_NAME", cut(dst.name()));
        m.put("DST_PROC_UID", dst.uid());
        m.put("DST_PROC_USER_NAME", cut(dst.userName()));
        m.put("DST_FATHER_PROC_PID", dst.parentPid());
        m.put("DST_FATHER_PROC_NAME", cut(dst.parentName()));
        m.put("sourceProcessCgroupId", src.cgroupId());
        m.put("destinationProcessCgroupId", dst.cgroupId());
    }

    private static void containers(Map<String, Object> m, ContainerInfo src, ContainerInfo dst) {
        m.put("SRC_PROC_CONTAINER_ID", cut(src.containerId()));
        m.put("DST_PROC_CONTAINER_ID", cut(dst.containerId()));
        m.put("sourceContainerRuntime", src.runtime());
        m.put("destinationContainerRuntime", dst.runtime());
        m.put("sourceSystemdUnit", src.systemdUnit());
        m.put("destinationSystemdUnit", dst.systemdUnit());
        m.put("sourcePodUid", src.podUid());
        m.put("destinationPodUid", dst.podUid());
        m.put("sourceNetnsInode", src.netnsInode());
        m.put("destinationNetnsInode", dst.netnsInode());
    }

    private static void syscalls(Map<String, Object> m, FlowRecord r) {
        m.put("syscallCount", r.syscallCount());
        m.put("meanTimeBetweenSyscalls", r.meanTimeBetweenSyscallsMicros());
    }

    public static Map<String, Object> syscallFlow(SyscallFlowRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        String v = r.ipVersion() == 4 ? "IPv4" : "IPv6";
        m.put("flowStartMilliseconds", r.firstMillis());
        m.put("flowEndMilliseconds", r.lastMillis());
        m.put("ipVersion", (long) r.ipVersion());
        m.put("source" + v + "Address", r.sourceAddress());
        m.put("destination" + v + "Address", r.destinationAddress());
        m.put("destinationTransportPort", (long) r.port());
        m.put("protocolIdentifier", 6L);
        m.put("processId", r.processId());
        m.put("processName", cut(r.processName()));
        m.put("syscallKind", (long) r.kind().code());
        m.put("syscallCount", r.count());
        m.put("meanTimeBetweenSyscalls", r.meanTimeBetweenSyscallsMicros());
        r.connectHealth().ifPresent(h -> {
            m.put("connectHandshakeMaxMicroseconds", u32(h.worstHandshakeMicros()));
            m.put("connectHandshakeMeanMicroseconds", u32(h.meanHandshakeMicros()));
            m.put("connectRetransmittedPacketDeltaCount", u32(h.retransmittedPackets()));
        });
        return m;
    }

    /** A name as nProbe-style 16-octet fields carry it: the longest whole-character UTF-8 prefix. */
    public static String cut(String s) {
        StringBuilder b = new StringBuilder();
        int octets = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + n > 16) {
                break;
            }
            b.appendCodePoint(cp);
            octets += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
