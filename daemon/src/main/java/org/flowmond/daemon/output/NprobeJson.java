package org.flowmond.daemon.output;

import java.net.Inet4Address;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.ipfix.TcpHealth;

/**
 * Flow records as one JSON object each, with nProbe's field names where nProbe has one
 * (IPV4_SRC_ADDR, L4_SRC_PORT, IN_PKTS = client → server, OUT_PKTS = server → client,
 * SRC_PROC_PID ...), and flowmond's own names, prefixed as nProbe would not use them, for the
 * rest (attribution method, cgroup, syscall count and MTBS). Every record ends with the exporting
 * host: NPROBE_INSTANCE_NAME (nProbe's field for the name of the probe that made the record; here
 * the host name) and FLOWMON_MACHINE_ID. The field list is in daemon/README.md.
 */
public final class NprobeJson {
    private NprobeJson() {
    }

    /** Names of one side's fields, built once: "SRC_PROC_PID", "FLOWMON_SRC_PROC_CGROUP" ... */
    private record Side(String pid, String name, String uid, String user, String parentPid, String parentName,
                        String container, String runtime, String unit, String podUid, String cgroupId, String cgroup,
                        String netns, String attribution, String syscallCount, String syscallMtbs) {
        static Side of(String s) {
            return new Side(s + "_PROC_PID", s + "_PROC_NAME", s + "_PROC_UID", s + "_PROC_USER_NAME",
                    s + "_FATHER_PROC_PID", s + "_FATHER_PROC_NAME", s + "_PROC_CONTAINER_ID",
                    "FLOWMON_" + s + "_CONTAINER_RUNTIME", "FLOWMON_" + s + "_SYSTEMD_UNIT", "FLOWMON_" + s + "_POD_UID",
                    "FLOWMON_" + s + "_PROC_CGROUP_ID", "FLOWMON_" + s + "_PROC_CGROUP", "FLOWMON_" + s + "_PROC_NETNS",
                    "FLOWMON_" + s + "_PROC_ATTRIBUTION",
                    "FLOWMON_" + s + "_SYSCALL_COUNT", "FLOWMON_" + s + "_SYSCALL_MTBS_US");
        }
    }

    private static final Side SRC = Side.of("SRC");
    private static final Side DST = Side.of("DST");

    public static String biflow(BiflowRecord r, IdentitySettings host) {
        return biflowJson(r, host).toString();
    }

    /** The same object as UTF-8 bytes (the Kafka record's value). */
    public static byte[] biflowUtf8(BiflowRecord r, IdentitySettings host) {
        return biflowJson(r, host).utf8();
    }

    public static String syscall(SyscallFlowRecord r, IdentitySettings host) {
        return syscallJson(r, host).toString();
    }

    public static byte[] syscallUtf8(SyscallFlowRecord r, IdentitySettings host) {
        return syscallJson(r, host).utf8();
    }

    private static Json biflowJson(BiflowRecord r, IdentitySettings host) {
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
        if (r.netns() != 0) { // the counting network namespace (nsfs inode), when known
            j.field("FLOWMON_NETNS", r.netns());
        }
        if (r.tcp() != null) {
            tcpHealth(j, r.tcp());
        }
        process(j, SRC, r.srcProcess());
        process(j, DST, r.dstProcess());
        identity(j, host);
        return j;
    }

    /**
     * nProbe's names where nProbe has them: the network latencies are half the handshake's intervals
     * in fractional milliseconds, as nProbe writes them ("3WH RTT/2"); IN is client → server. The
     * full intervals, the RTT, resets and zero windows under flowmond's names.
     */
    private static void tcpHealth(Json j, TcpHealth t) {
        j.millis("CLIENT_NW_LATENCY_MS", t.clientHandshakeMicros() / 2)
                .millis("SERVER_NW_LATENCY_MS", t.serverHandshakeMicros() / 2)
                .field("RETRANSMITTED_IN_PKTS", t.retransmittedPackets())
                .field("RETRANSMITTED_IN_BYTES", t.retransmittedBytes())
                .field("RETRANSMITTED_OUT_PKTS", t.reverseRetransmittedPackets())
                .field("RETRANSMITTED_OUT_BYTES", t.reverseRetransmittedBytes())
                .field("OOORDER_IN_PKTS", t.outOfOrderPackets())
                .field("OOORDER_OUT_PKTS", t.reverseOutOfOrderPackets())
                .field("FLOWMON_CLIENT_HANDSHAKE_US", t.clientHandshakeMicros())
                .field("FLOWMON_SERVER_HANDSHAKE_US", t.serverHandshakeMicros());
        if (t.rttMeanMicros() > 0) {
            j.field("FLOWMON_RTT_MIN_US", t.rttMinMicros())
                    .field("FLOWMON_RTT_MEAN_US", t.rttMeanMicros())
                    .field("FLOWMON_RTT_MAX_US", t.rttMaxMicros());
        }
        j.field("FLOWMON_RST_IN_TOTAL", t.resets())
                .field("FLOWMON_RST_OUT_TOTAL", t.reverseResets())
                .field("FLOWMON_ZERO_WINDOW_IN_PKTS", t.zeroWindows())
                .field("FLOWMON_ZERO_WINDOW_OUT_PKTS", t.reverseZeroWindows());
    }

    private static Json syscallJson(SyscallFlowRecord r, IdentitySettings host) {
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
        if (r.health() != null) { // how the destination answered this process's connections
            j.field("FLOWMON_HANDSHAKE_WORST_US", r.health().worstMicros())
                    .field("FLOWMON_HANDSHAKE_MEAN_US", r.health().meanMicros())
                    .field("FLOWMON_RETRANSMITTED_PKTS", r.health().retransmittedPackets());
        }
        // connect: the process is the client (source); accept: the server (destination)
        processFields(j, connect ? SRC : DST, r.process());
        identity(j, host);
        return j;
    }

    private static void identity(Json j, IdentitySettings host) {
        j.field("NPROBE_INSTANCE_NAME", host.hostName());
        if (!host.machineId().isEmpty()) {
            j.field("FLOWMON_MACHINE_ID", host.machineId());
        }
    }

    private static void addresses(Json j, int ipVersion, Endpoint src, Endpoint dst) {
        boolean v4 = src.address() instanceof Inet4Address;
        j.field(v4 ? "IPV4_SRC_ADDR" : "IPV6_SRC_ADDR", src.address().getHostAddress());
        j.field(v4 ? "IPV4_DST_ADDR" : "IPV6_DST_ADDR", dst.address().getHostAddress());
    }

    private static void process(Json j, Side side, Attribution a) {
        if (a == null) {
            j.field(side.attribution(), Attribution.label(null));
            return;
        }
        processFields(j, side, a.process());
        j.field(side.attribution(), Attribution.label(a));
        if (a.syscall() != null) {
            j.field(side.syscallCount(), a.syscall().count());
            if (a.syscall().mtbsMicros().isPresent()) {
                j.field(side.syscallMtbs(), a.syscall().mtbsMicros().getAsLong());
            }
        }
    }

    private static void processFields(Json j, Side side, ProcessInfo p) {
        j.field(side.pid(), p.pid())
                .field(side.name(), p.name())
                .field(side.uid(), Integer.toUnsignedLong(p.uid()))
                .field(side.user(), p.userName())
                .field(side.parentPid(), p.parentPid())
                .field(side.parentName(), p.parentName())
                .field(side.container(), p.containerId())
                .field(side.cgroupId(), p.cgroupId())
                .field(side.cgroup(), p.cgroupPath());
        // only when known: a plain host process adds nothing
        optional(j, side.runtime(), p.container().runtime().label());
        optional(j, side.unit(), p.container().unit());
        optional(j, side.podUid(), p.container().podUid());
        if (p.netns() != 0) {
            j.field(side.netns(), p.netns());
        }
    }

    private static void optional(Json j, String name, String value) {
        if (!value.isEmpty()) {
            j.field(name, value);
        }
    }
}
