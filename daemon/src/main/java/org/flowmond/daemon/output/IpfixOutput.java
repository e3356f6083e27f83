package org.flowmond.daemon.output;

import org.flowmond.bpf.api.HookVariant;
import org.flowmond.daemon.container.ContainerIdentity;
import org.flowmond.daemon.container.ContainerRuntime;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.stats.IpfixCounters;
import org.flowmond.daemon.stats.StatisticsSnapshot;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.BiflowDirection;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.ConnectHealth;
import org.flowmond.ipfix.DaemonHealth;
import org.flowmond.ipfix.ExporterSettings;
import org.flowmond.ipfix.FlowDirection;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.ProbeVariant;
import org.flowmond.ipfix.ContainerInfo;
import org.flowmond.ipfix.ProcessInfo;
import org.flowmond.ipfix.SyscallKind;

/**
 * The flow table's records as IPFIX through the exporter module: biflows with ntop's process
 * elements (src = the client), syscall flows with their own template. What the exporter drops is
 * counted there and shown here as {@code dropped.send-queue}.
 *
 * <p>Biflows wait for room in the exporter's queue (up to {@link #QUEUE_WAIT} each) instead of
 * being dropped: when a whole table expires at once (1,000,000 flows reaching their idle or active
 * timeout together) the flow thread produces records faster than the export thread sends them,
 * and a queue of send-queue-limit records overflowed within milliseconds. Waiting slows the flow
 * thread to the export rate, which is the rate the records can leave anyway. If a record still
 * finds no room after the wait, the export thread is stuck: later records are offered without
 * waiting (dropped and counted) until one is accepted again, so the flow thread never stalls for
 * long behind a dead exporter.
 */
public final class IpfixOutput implements ExportOutput {
    /** Longest wait of one biflow for room in the exporter's queue; the export thread needs microseconds per record. */
    static final Duration QUEUE_WAIT = Duration.ofSeconds(1);

    private final IpfixExporter exporter;
    private long nextFlowId = 1;
    private boolean exporterStuck;

    private IpfixOutput(IpfixExporter exporter) {
        this.exporter = exporter;
    }

    /** An exporter for the settings, or null when there are no collectors and no IPFIX file. */
    public static IpfixOutput open(Settings s) throws IOException {
        if (s.export().collectors().isEmpty() && s.outputs().ipfixFile().isEmpty()) {
            return null;
        }
        return new IpfixOutput(IpfixExporter.start(exporterSettings(s)));
    }

    /**
     * An exporter whose only destination is {@code sink} (no collectors, no file), with the export
     * settings' domain, templates and biflow mode: the Kafka output's {@code format = ipfix}.
     */
    public static IpfixOutput toSink(Settings s, org.flowmond.ipfix.IpfixMessageSink sink) throws IOException {
        ExporterSettings e = exporterSettings(s);
        return new IpfixOutput(IpfixExporter.start(new ExporterSettings(List.of(), e.observationDomainId(), e.mtu(),
                e.templateRefreshInterval(), e.templateRefreshMessages(), e.statisticsInterval(), e.enterpriseNumber(),
                e.biflowMode(), e.queueCapacity(), java.util.Optional.empty()), List.of(sink)));
    }

    static ExporterSettings exporterSettings(Settings s) {
        return new ExporterSettings(s.export().collectors(), s.export().observationDomainId(), s.export().mtu(),
                s.export().templateRefresh(), s.export().templateRefreshMessages(), s.stats().interval(),
                s.export().enterpriseId(), s.export().biflow(), s.export().sendQueueLimit(),
                s.outputs().ipfixFile());
    }

    @Override
    public void biflow(BiflowRecord r) {
        exporterStuck = !exporter.export(toIpfix(r, nextFlowId++), exporterStuck ? Duration.ZERO : QUEUE_WAIT);
    }

    @Override
    public void syscallFlow(SyscallFlowRecord r) {
        exporter.export(toIpfix(r));
    }

    static FlowRecord toIpfix(BiflowRecord r, long flowId) {
        // Forward = client → server. Which way it crossed the host follows from the hook that counted it.
        Direction fwd = r.fwdHook() != null ? r.fwdHook() : r.revHook().opposite();
        int ifindex = r.fwdHook() != null ? r.fwdIfindex() : r.revIfindex();
        boolean icmp = r.protocol() == 1 || r.protocol() == 58;
        FlowRecord.Builder b = FlowRecord.builder()
                .source(r.src().address(), icmp ? 0 : r.src().port())
                .destination(r.dst().address(), icmp ? 0 : r.dst().port())
                .protocol(r.protocol())
                .icmpTypeCode(icmp ? r.src().port() * 256 + r.dst().port() : 0)
                .interfaces(fwd == Direction.INGRESS ? ifindex : 0, fwd == Direction.EGRESS ? ifindex : 0)
                .direction(flowDirection(fwd))
                .forward(r.fwdPackets(), r.fwdBytes(), r.fwdTcpFlags(), millis(r.startNanos()), millis(r.endNanos()))
                .reverse(r.revPackets(), r.revBytes(), r.revTcpFlags(), millis(r.startNanos()), millis(r.endNanos()))
                .flowId(flowId)
                .endReason(r.reason())
                .biflowDirection(r.initiatorRule() == InitiatorRule.FIRST_PACKET && r.protocol() != 6
                        ? BiflowDirection.ARBITRARY : BiflowDirection.INITIATOR)
                .sourceProcess(process(r.srcProcess()))
                .destinationProcess(process(r.dstProcess()))
                .observationNetns(r.netns())
                .sourceContainer(container(r.srcProcess()))
                .destinationContainer(container(r.dstProcess()))
                .attribution(kind(r.srcProcess()), kind(r.dstProcess()))
                .tcpHealth(r.tcp());
        SyscallStats calls = r.srcProcess() != null && r.srcProcess().syscall() != null ? r.srcProcess().syscall()
                : r.dstProcess() != null ? r.dstProcess().syscall() : null;
        if (calls != null) {
            b.syscalls(calls.count(), calls.mtbsMicros().orElse(0)); // MTBS 0 with count 1: undefined
        }
        return b.build();
    }

    static org.flowmond.ipfix.SyscallFlowRecord toIpfix(SyscallFlowRecord r) {
        return org.flowmond.ipfix.SyscallFlowRecord.builder()
                .process(r.key().pid(), r.key().comm())
                .kind(kind(r.key()))
                .source(r.key().srcAddress())
                .destination(r.key().dstAddress())
                .port(r.key().port())
                .calls(r.stats().count(), r.stats().mtbsMicros().orElse(0))
                .times(millis(r.stats().firstNanos()), millis(r.stats().lastNanos()))
                .connectHealth(r.health() == null ? null : new ConnectHealth(r.health().worstMicros(),
                        r.health().meanMicros(), r.health().retransmittedPackets()))
                .build();
    }

    private static ProcessInfo process(Attribution a) {
        if (a == null) {
            return ProcessInfo.UNKNOWN;
        }
        return a.process().exported();
    }

    /** One side's container and its socket's namespace (a host process: no container, its namespace). */
    private static ContainerInfo container(Attribution a) {
        if (a == null || (a.process().container().runtime() == ContainerRuntime.NONE && a.process().netns() == 0)) {
            return ContainerInfo.NONE;
        }
        ContainerIdentity c = a.process().container();
        return new ContainerInfo(c.id(), c.runtime().label(), c.unit(), c.podUid(), a.process().netns());
    }

    /** The hook that counted as IANA flowDirection (element 61): kept apart because flowmon.h and IANA fix their own codes. */
    static FlowDirection flowDirection(Direction hook) {
        return switch (hook) {
            case INGRESS -> FlowDirection.INGRESS;
            case EGRESS -> FlowDirection.EGRESS;
        };
    }

    /**
     * How one side was attributed, as flowmond's per-side attribution element; null = not attributed.
     * SyscallKind is the wire's vocabulary: the kernel's owner methods and connect outcomes in one code space.
     */
    static SyscallKind kind(Attribution a) {
        if (a == null) {
            return null;
        }
        return switch (a.method()) {
            case CONNECT -> SyscallKind.CONNECT;
            case ACCEPT -> SyscallKind.ACCEPT;
            case EXISTING -> SyscallKind.EXISTING;
            case SEND -> SyscallKind.SEND;
            case RECEIVE -> SyscallKind.RECEIVE;
        };
    }

    /** A syscall record's kind: accept, connect, or a failed connect by its outcome. */
    static SyscallKind kind(SyscallFlowKey k) {
        if (k.kind() == SocketEventKind.ACCEPT) {
            return SyscallKind.ACCEPT;
        }
        return switch (k.outcome()) {
            case NONE, ESTABLISHED -> SyscallKind.CONNECT;
            case REFUSED -> SyscallKind.CONNECT_REFUSED;
            case TIMED_OUT -> SyscallKind.CONNECT_TIMED_OUT;
            case UNREACHABLE -> SyscallKind.CONNECT_UNREACHABLE;
            case OTHER -> SyscallKind.CONNECT_FAILED;
        };
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }

    /** The exporter's counters, its collectors' and file's included. */
    @Override
    public IpfixCounters counters() {
        return new IpfixCounters(exporter.statistics());
    }

    /**
     * The exporter sends its own statistics options records on the same interval; the daemon's
     * part of them is the packets the kernel saw but could not count (ignoredPacketTotalCount),
     * and the daemon health record that goes with each of them.
     */
    @Override
    public void exportStatistics(StatisticsSnapshot statistics) {
        exporter.updateIgnoredPacketTotal(statistics.mapFullDrops());
        exporter.updateDaemonHealth(health(statistics));
    }

    /** The health options record's values, from the typed statistics (no name can zero a field). */
    static DaemonHealth health(StatisticsSnapshot s) {
        return new DaemonHealth(s.flows().biflowsActive(), s.flows().biflowRecordsExported(), s.mapFullDrops(),
                s.ringBufferDrops(), s.sendQueueDrops(), s.eventQueueDrops(),
                s.syscall() == null ? ProbeVariant.NONE : probeVariant(s.syscall().variant()));
    }

    /**
     * The attached hooks as flowmond's probeVariant element. Two types: HookVariant is what can be
     * asked for (AUTO included), ProbeVariant what the wire reports (NONE included, fixed codes).
     */
    static ProbeVariant probeVariant(HookVariant attached) {
        return switch (attached) {
            case AUTO -> ProbeVariant.NONE; // never attached as such: AUTO resolves to one of the others
            case FENTRY -> ProbeVariant.FENTRY;
            case KPROBE -> ProbeVariant.KPROBE;
            case SOCKET -> ProbeVariant.SOCKET;
            case RAW_TRACEPOINT -> ProbeVariant.RAW_TRACEPOINT;
            case TRACEPOINT -> ProbeVariant.TRACEPOINT;
        };
    }

    /** Sends what is queued now (tests and shutdown); false if that took longer than {@code timeout}. */
    public boolean flush(Duration timeout) {
        return exporter.flush(timeout);
    }

    @Override
    public void close() {
        exporter.close();
    }

}
