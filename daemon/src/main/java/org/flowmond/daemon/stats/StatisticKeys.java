package org.flowmond.daemon.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.bpf.tc.TcStatistics;
import org.flowmond.daemon.container.ResolverStatistics;
import org.flowmond.daemon.flow.FlowStats;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.ExporterStatistics;

/**
 * The one place where statistics get their names: the dotted keys of the statistics log line,
 * systemd {@code STATUS=}, the JSON statistics and (through {@code metrics.StatisticNames}) the
 * Prometheus families. Everything inside the daemon passes {@link StatisticsSnapshot} and its
 * typed parts; the IPFIX health record reads typed fields. The order of the keys is the order
 * users have always seen.
 */
public final class StatisticKeys {

    private StatisticKeys() {
    }

    /** Every statistic by name, in a stable order. */
    public static Map<String, Long> of(StatisticsSnapshot s) {
        Map<String, Long> m = of(s.flows());
        m.put("dropped.event-queue", s.eventQueueDrops());
        m.put("pipeline.cycle-failures", s.cycleFailures());
        m.put("pipeline.output-failures", s.outputFailures());
        putTimings(m, s.timings());
        if (s.containers() != null) {
            putContainers(m, s.containers());
        }
        if (s.syscall() != null) {
            putSyscall(m, s.syscall());
        }
        if (s.tc() != null) {
            putTc(m, s.tc());
        }
        if (s.ownership() != null) {
            putOwnership(m, s.ownership());
        }
        if (s.export() != null) {
            m.putAll(of(s.export()));
        }
        if (s.kafka() != null) {
            m.putAll(of(s.kafka()));
        }
        if (s.json() != null) {
            m.put("json.records-written", s.json().recordsWritten());
            m.put("json.write-failures", s.json().writeFailures());
            m.put("json.partial-lines", s.json().partialLines());
        }
        return m;
    }

    /** The flow table's counters by name. */
    public static Map<String, Long> of(FlowStats.Counts c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("flows.active", c.biflowsActive());
        m.put("flows.created", c.biflowsCreated());
        m.put("flows.records-exported", c.biflowRecordsExported());
        m.put("flows.records-filtered", c.biflowRecordsFiltered());
        m.put("flows.ended-without-packets", c.biflowsEndedEmpty());
        c.biflowsByReason().forEach((r, n) -> m.put("flows.ended." + r.label(), n));
        m.put("flows.kernel-counter-resets", c.kernelCounterResets());
        m.put("flows.redundant-observations", c.redundantObservations());
        m.put("flows.overflow-packets", c.overflowPackets());
        m.put("syscall.events", c.syscallEvents());
        m.put("syscall.events-filtered", c.syscallEventsFiltered());
        m.put("syscall.flows.active", c.syscallFlowsActive());
        m.put("syscall.records-exported", c.syscallRecordsExported());
        c.syscallByReason().forEach((r, n) -> m.put("syscall.ended." + r.label(), n));
        m.put("attribution.records-both-sides", c.recordsBothOwners());
        m.put("attribution.records-one-side", c.recordsOneOwner());
        m.put("attribution.records-no-side", c.recordsNoOwner());
        c.endsWithoutOwnerByLabel().forEach((r, n) -> m.put("attribution.no-owner." + r, n));
        m.put("attribution.owner-changes", c.ownerChanges());
        return m;
    }

    /** An export output's counters by name. */
    public static Map<String, Long> of(OutputCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (c instanceof IpfixCounters i) {
            putIpfix(m, i.exporter());
        } else if (c instanceof KafkaCounters k) {
            putKafka(m, k);
        }
        return m;
    }

    /** The syscall probes' counters by name, and {@code probe.variant.<variant> = 1}. */
    public static Map<String, Long> of(SyscallCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        putSyscall(m, c);
        return m;
    }

    /** The TC programs' counters by name. */
    public static Map<String, Long> of(TcCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        putTc(m, c);
        return m;
    }

    /** The cycle timings by name, in milliseconds. */
    public static Map<String, Long> of(CycleTimes t) {
        Map<String, Long> m = new LinkedHashMap<>();
        putTimings(m, t);
        return m;
    }

    /** The container resolver's counters by name. */
    public static Map<String, Long> of(ResolverStatistics c) {
        Map<String, Long> m = new LinkedHashMap<>();
        putContainers(m, c);
        return m;
    }

    /** The key under which a probe variant is 1 (a label of flowmond_build_info, not a metric). */
    public static String probeVariant(org.flowmond.bpf.api.HookVariant v) {
        return "probe.variant." + v.name().toLowerCase(Locale.ROOT);
    }

    private static void putTimings(Map<String, Long> m, CycleTimes t) {
        m.put("pipeline.scan-entries", t.scanEntries());
        m.put("pipeline.scan-millis", millis(t.scanNanos()));
        m.put("pipeline.scan-millis-max", millis(t.scanMaxNanos()));
        m.put("pipeline.table-update-millis", millis(t.updateNanos()));
        m.put("pipeline.table-update-millis-max", millis(t.updateMaxNanos()));
        m.put("pipeline.expire-millis", millis(t.expireNanos()));
        m.put("pipeline.expire-millis-max", millis(t.expireMaxNanos()));
        m.put("pipeline.final-flush-millis", millis(t.finalFlushNanos()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static void putContainers(Map<String, Long> m, ResolverStatistics c) {
        m.put("containers.cache-hits", c.hits());
        m.put("containers.cache-misses", c.misses());
        m.put("containers.cache-evictions", c.evictions());
        m.put("containers.cache-entries", (long) c.cached());
        m.put("containers.cgroup-walks", c.scans());
        m.put("containers.cgroup-walks-truncated", c.truncatedScans());
        m.put("containers.cgroup-walks-failed", c.failedScans());
        m.put("containers.unresolved", c.unresolved());
    }

    private static void putSyscall(Map<String, Long> m, SyscallCounters c) {
        m.put("dropped.ring-buffer", c.ringBufferFull());
        m.put("dropped.syscall-stash-full", c.stashFull());
        m.put("dropped.syscall-undecodable", c.undecodable());
        m.put("syscall.kernel-filtered", c.kernelFiltered());
        m.put("syscall.delivered", c.delivered());
        m.put("syscall.consumer-failures", c.consumerFailures());
        m.put("dropped.syscall-no-owner", c.noOwner());
        m.put("dropped.syscall-recursion", c.recursionMisses());
        m.put(probeVariant(c.variant()), 1L);
    }

    private static void putTc(Map<String, Long> m, TcCounters c) {
        m.put("dropped.map-full", c.mapFull());
        m.put("tc.map-insert-failures", c.insertFailures());
        m.put("tc.overflow-delivered", c.overflowDelivered());
        m.put("tc.truncated", c.truncated());
        m.put("tc.non-ip", c.nonIp());
        m.put("tc.non-ip.lost", c.nonIpLost());
        // frames without IP addresses (never flows), per EtherType: tc.non-ip.0x0806=12 ... tc.non-ip.other
        c.nonIpByEtherType().forEach((type, n) -> m.put("tc.non-ip." + (type == TcStatistics.OTHER_ETHERTYPES
                ? "other" : String.format("0x%04x", type)), n));
        m.put("tc.ipv6-ext-header-limit", c.ipv6ExtHeaderLimit());
        m.put("tc.interfaces", c.interfaces());
        m.put("tc.namespaces", c.namespaces());
        m.put("tc.attach." + c.attachPath().name().toLowerCase(Locale.ROOT), 1L); // tcx or tc
    }

    private static void putOwnership(Map<String, Long> m, OwnershipStatistics s) {
        m.put("dropped.owner-map-full", s.ownerMapFull());
        m.put("dropped.owner-endpoint-map-full", s.endpointMapFull());
        m.put("dropped.owner-tuple-map-full", s.tupleMapFull());
        m.put("ownership.no-owner-for-socket", s.noOwnerForSocket());
        m.put("ownership.no-owner-for-address", s.noOwnerForAddress());
        m.put("ownership.no-owner-for-ambiguous-address", s.ambiguousAddress());
        m.put("ownership.seeded", s.seeded());
        m.put("dropped.ownership-recursion", s.recursionMisses());
    }

    /**
     * Totals under {@code ipfix.*} and {@code dropped.*}, then per destination under
     * {@code collector[<destination>].*}. {@code ipfix.records-not-sent} is every flow record some
     * destination did not get: dropped before the queue, plus each destination's own losses.
     */
    private static void putIpfix(Map<String, Long> m, ExporterStatistics st) {
        long sendErrors = 0;
        long icmpErrors = 0;
        long refused = 0;
        long droppedBuffer = 0;
        long reconnects = 0;
        List<CollectorStatistics> destinations = new ArrayList<>(st.collectors());
        st.file().ifPresent(destinations::add);
        for (CollectorStatistics c : destinations) {
            sendErrors += c.sendErrors();
            icmpErrors += c.icmpErrors();
            refused += c.refusedFlowRecords();
            droppedBuffer += c.droppedMessages();
            reconnects += c.reconnects();
        }
        m.put("dropped.send-queue", st.recordsDroppedQueueFull());
        m.put("dropped.exporter-closed", st.recordsDroppedClosed()); // handed over while closing (reload, shutdown)
        m.put("ipfix.records-queued", st.recordsQueued());
        m.put("ipfix.records-encoded", st.flowRecordsEncoded());
        m.put("ipfix.records-failed", st.recordsFailed());
        m.put("ipfix.records-not-sent", notSent(st));
        m.put("ipfix.records-refused", refused);
        m.put("ipfix.records-skipped-empty", st.recordsSkippedEmpty());
        m.put("ipfix.messages", st.messagesEncoded());
        m.put("ipfix.send-errors", sendErrors);
        m.put("ipfix.icmp-errors", icmpErrors);
        m.put("ipfix.reconnects", reconnects);
        m.put("ipfix.messages-dropped-buffer-full", droppedBuffer);
        for (CollectorStatistics c : destinations) {
            putDestination(m, c);
        }
    }

    /** Flow records some destination did not get: dropped before the queue, plus each destination's own losses. */
    private static long notSent(ExporterStatistics st) {
        long n = st.notSentFlowRecords();
        for (CollectorStatistics c : st.collectors()) {
            n += c.notSentFlowRecords();
        }
        if (st.file().isPresent()) {
            n += st.file().get().notSentFlowRecords();
        }
        return n;
    }

    /** One destination ({@code udp:host:port}, {@code file:path} ...): the Prometheus endpoint makes it a label. */
    private static void putDestination(Map<String, Long> m, CollectorStatistics c) {
        String p = "collector[" + c.destination() + "].";
        m.put(p + "connected", c.connected() ? 1L : 0L);
        m.put(p + "messages-sent", c.messagesSent());
        m.put(p + "octets-sent", c.octetsSent());
        m.put(p + "flow-records-sent", c.flowRecordsSent());
        m.put(p + "data-records-sent", c.dataRecordsSent());
        m.put(p + "not-sent-flow-records", c.notSentFlowRecords());
        m.put(p + "send-errors", c.sendErrors());
        m.put(p + "unreachable", c.unreachable());
        m.put(p + "template-refreshes", c.templateRefreshes());
        m.put(p + "icmp-errors", c.icmpErrors());
        m.put(p + "records-refused", c.refusedFlowRecords());
        m.put(p + "reconnects", c.reconnects());
        m.put(p + "buffered", c.bufferedMessages());
        m.put(p + "messages-dropped-buffer-full", c.droppedMessages());
    }

    private static void putKafka(Map<String, Long> m, KafkaCounters k) {
        m.put("kafka.records-produced", k.produced());
        m.put("kafka.records-delivered", k.delivered());
        m.put("kafka.records-pending", k.pending());
        m.put("dropped.kafka-queue-full", k.queueFull());
        m.put("dropped.kafka-delivery", k.undelivered());
        if (k.ipfix() != null) {
            // the encoder's flow-record counters that mean something without collectors
            ExporterStatistics st = k.ipfix().exporter();
            m.put("dropped.kafka-ipfix-queue", st.recordsDroppedQueueFull()); // the encoder's queue, before this output's
            m.put("kafka.ipfix.records-encoded", st.flowRecordsEncoded());
            m.put("kafka.ipfix.records-not-sent", notSent(st));
            m.put("kafka.ipfix.messages", st.messagesEncoded());
        }
    }
}
