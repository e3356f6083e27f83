package org.flowmond.daemon.output;

import java.net.Inet4Address;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallFlowRecord;

/**
 * Flow records as one JSON object each, with nProbe's field names where nProbe has one
 * (IPV4_SRC_ADDR, L4_SRC_PORT, IN_PKTS = client → server, OUT_PKTS = server → client,
 * SRC_PROC_PID ...), and flowmond's own names, prefixed as nProbe would not use them, for the
 * rest (attribution method, cgroup, syscall count and MTBS). The field list is in daemon/README.md.
 */
final class NprobeJson {
    private NprobeJson() {
    }

    static String biflow(BiflowRecord r) {
        Json j = new Json().field("FLOWMON_RECORD", "biflow");
        addresses(j, r.ipVersion(), r.src(), r.dst());
        j.field("L4_SRC_PORT", r.src().port())
                .field("L4_DST_PORT", r.dst().port())
                .field("PROTOCOL", r.protocol())
                .field("IP_PROTOCOL_VERSION", r.ipVersion())
                .field("IN_PKTS", r.fwdPackets())
                .field("IN_BYTES", r.fwdBytes())
                .field("OUT_PKTS", r.revPackets())
                .field("OUT_BYTES", r.revBytes())
                .field("TCP_FLAGS", r.fwdTcpFlags() | r.revTcpFlags())
                .field("CLIENT_TCP_FLAGS", r.fwdTcpFlags())
                .field("SERVER_TCP_FLAGS", r.revTcpFlags())
                .field("FLOW_START_MILLISECONDS", r.startNanos() / 1_000_000)
                .field("FLOW_END_MILLISECONDS", r.endNanos() / 1_000_000)
                .field("FLOW_END_REASON", r.reason().code())
                .field("FLOWMON_FWD_IFINDEX", r.fwdIfindex())
                .field("FLOWMON_REV_IFINDEX", r.revIfindex())
                .field("FLOWMON_INITIATOR_RULE", r.initiatorRule().name().toLowerCase(java.util.Locale.ROOT));
        process(j, "SRC", r.srcProcess());
        process(j, "DST", r.dstProcess());
        return j.toString();
    }

    static String syscall(SyscallFlowRecord r) {
        boolean connect = r.key().kind() == SocketEventKind.CONNECT;
        Json j = new Json().field("FLOWMON_RECORD", "syscall")
                .field("FLOWMON_SYSCALL", connect ? "connect" : "accept");
        if (r.key().outcome() != ConnectOutcome.NONE) {
            j.field("FLOWMON_CONNECT_OUTCOME", SeedTables.outcome(r.key().outcome()));
        }
        addresses(j, r.key().ipVersion(), new Endpoint(r.key().srcAddress(), 0), new Endpoint(r.key().dstAddress(), 0));
        j.field("L4_DST_PORT", r.key().port())
                .field("PROTOCOL", 6)
                .field("IP_PROTOCOL_VERSION", r.key().ipVersion())
                .field("FLOW_START_MILLISECONDS", r.stats().firstNanos() / 1_000_000)
                .field("FLOW_END_MILLISECONDS", r.stats().lastNanos() / 1_000_000)
                .field("FLOW_END_REASON", r.reason().code())
                .field("FLOWMON_SYSCALL_COUNT", r.stats().count());
        if (r.stats().mtbsMicros().isPresent()) {
            j.field("FLOWMON_SYSCALL_MTBS_US", r.stats().mtbsMicros().getAsLong());
        }
        // connect: the process is the client (source); accept: the server (destination)
        processFields(j, connect ? "SRC" : "DST", r.process());
        return j.toString();
    }

    private static void addresses(Json j, int ipVersion, Endpoint src, Endpoint dst) {
        boolean v4 = src.address() instanceof Inet4Address;
        j.field(v4 ? "IPV4_SRC_ADDR" : "IPV6_SRC_ADDR", src.address().getHostAddress());
        j.field(v4 ? "IPV4_DST_ADDR" : "IPV6_DST_ADDR", dst.address().getHostAddress());
    }

    private static void process(Json j, String side, Attribution a) {
        if (a == null) {
            j.field("FLOWMON_" + side + "_PROC_ATTRIBUTION", Attribution.label(null));
            return;
        }
        processFields(j, side, a.process());
        j.field("FLOWMON_" + side + "_PROC_ATTRIBUTION", Attribution.label(a));
        if (a.syscall() != null) {
            j.field("FLOWMON_" + side + "_SYSCALL_COUNT", a.syscall().count());
            if (a.syscall().mtbsMicros().isPresent()) {
                j.field("FLOWMON_" + side + "_SYSCALL_MTBS_US", a.syscall().mtbsMicros().getAsLong());
            }
        }
    }

    private static void processFields(Json j, String side, ProcessInfo p) {
        j.field(side + "_PROC_PID", p.pid())
                .field(side + "_PROC_NAME", p.name())
                .field(side + "_PROC_UID", Integer.toUnsignedLong(p.uid()))
                .field(side + "_PROC_USER_NAME", p.userName())
                .field(side + "_FATHER_PROC_PID", p.parentPid())
                .field(side + "_FATHER_PROC_NAME", p.parentName())
                .field(side + "_PROC_CONTAINER_ID", p.containerId())
                .field("FLOWMON_" + side + "_PROC_CGROUP_ID", p.cgroupId())
                .field("FLOWMON_" + side + "_PROC_CGROUP", p.cgroupPath());
    }
}
