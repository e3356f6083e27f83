package org.flowmond.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Prometheus family each key of the daemon's statistics ({@code Pipeline.statistics()}, the
 * statistics log line, systemd {@code STATUS=}) goes to. Keys that differ only in one part (a drop
 * reason, an end reason, a cycle part, a collector) share a family with that part as a label, so a
 * drop counter added later under {@code dropped.*} lands in {@code flowmond_dropped_total} (and in
 * the example alert on it) without a change here. A key no rule knows is still exported, as a gauge
 * named after the key ({@link #generic}); {@code pipeline.StatisticsMappingTest} and
 * {@code PrometheusJarTest} fail for such keys among the statistics they produce, listing them.
 */
public final class StatisticNames {

    public static final String PREFIX = "flowmond_";
    /** {@code probe.variant.<name> = 1}: a label of flowmond_build_info, not a metric of its own. */
    static final String PROBE_VARIANT = "probe.variant.";

    private static final Pattern COLLECTOR = Pattern.compile("collector\\[(.+)]\\.([a-z0-9-]+)");
    private static final Pattern CYCLE_PART = Pattern.compile("pipeline\\.([a-z0-9-]+)-millis(-max)?");

    private static final Family DROPPED = Family.counter(PREFIX + "dropped", "reason",
            "Data lost, by where it was lost: map-full counts packets the TC program could not count, owner-*-map-full "
            + "socket owners the kernel could not record (those flows stay without a process, never a wrong one), ring-buffer, "
            + "event-queue and syscall-* connect/accept events, send-queue flow records the IPFIX exporter had no room for, "
            + "exporter-closed flow records handed to an exporter that was closing");
    private static final Family FLOWS_ENDED = Family.counter(PREFIX + "flows_ended", "reason",
            "Biflows ended, by IPFIX flowEndReason (idle, active, end-of-flow, forced-end, lack-of-resources)");
    private static final Family SYSCALL_ENDED = Family.counter(PREFIX + "syscall_flows_ended", "reason",
            "Syscall flows (PID, command, addresses, port) ended, by reason");
    private static final Family RECORDS_BY_OWNERS = Family.counter(PREFIX + "flow_records_by_owners", "sides",
            "Biflow records by how many of their two sides carry a process: both-sides, one-side, no-side "
            + "(a remote peer, a forwarded flow, or a local socket whose owner the kernel does not know)");
    private static final Family ENDS_WITHOUT_OWNER = Family.counter(PREFIX + "flow_record_ends_without_owner", "reason",
            "Ends of exported biflow records without a process, by why: socket-without-owner (a local socket the kernel "
            + "knew no owner for: a loss), ambiguous-address (its address found in two network namespaces: no owner "
            + "rather than a wrong one), no-socket-seen (a remote host or forwarded traffic: expected), "
            + "no-socket-protocol (neither TCP nor UDP)");
    private static final Family NO_OWNER = Family.counter(PREFIX + "ownership_lookups_without_owner", "packet",
            "TC lookups that found no owner: socket (the packet carried a local socket the maps do not know), "
            + "address (no socket; neither its 5-tuple nor its local endpoint is known: a remote end, or not yet), "
            + "ambiguous-address (an end found by address in two network namespaces: no owner for the rest of its flow)");
    private static final Family NON_IP_BY_TYPE = Family.counter(PREFIX + "tc_non_ip_frames", "ethertype",
            "Frames without IP addresses (ARP, LLDP, ...) by EtherType (0xTYPE, or other): counted, never exported as flows");
    private static final Family TC_ATTACH = Family.gauge(PREFIX + "tc_attach_path", "path",
            "1 for the path the TC programs are attached through: tcx (links, first in the chain) or tc (classic clsact filter)");
    private static final Family CYCLE_PART_LAST = Family.millisAsSeconds(PREFIX + "flow_cycle_part_seconds", "part",
            "Duration of the last flow cycle's parts: scan (TC map read), table-update (merge), expire (expiry and export); 1 ms resolution");
    private static final Family CYCLE_PART_MAX = Family.millisAsSeconds(PREFIX + "flow_cycle_part_max_seconds", "part",
            "Longest duration of each flow cycle part since start; 1 ms resolution");

    /** Statistics that are one metric each, by key. */
    private static final Map<String, Family> EXACT = exact();

    /** Families for {@code collector[<destination>].<counter>} keys, by counter. */
    private static final Map<String, Family> COLLECTOR_FAMILIES = collectorFamilies();

    private StatisticNames() {
    }

    private static Map<String, Family> exact() {
        Map<String, Family> m = new LinkedHashMap<>();
        m.put("flows.active", Family.gauge(PREFIX + "flows_active", "Biflows in the flow table now"));
        m.put("flows.created", Family.counter(PREFIX + "flows_created", "Biflows created"));
        m.put("flows.records-exported", Family.counter(PREFIX + "flow_records_exported", "Biflow records handed to the outputs"));
        m.put("flows.records-filtered", Family.counter(PREFIX + "flow_records_filtered", "Biflow records the PID/port filters held back"));
        m.put("flows.ended-without-packets", Family.counter(PREFIX + "flows_ended_without_packets",
                "Biflows that ended with no packet since their last record (nothing to export)"));
        m.put("flows.kernel-counter-resets", Family.counter(PREFIX + "kernel_entry_resets",
                "TC map entries whose counters went back (deleted and recreated in the kernel)"));
        m.put("flows.redundant-observations", Family.counter(PREFIX + "redundant_observations",
                "Packets seen by two hooks of one host (e.g. both ends of loopback), counted once"));
        m.put("flows.overflow-packets", Family.counter(PREFIX + "overflow_packets",
                "Packets counted through the overflow ring because the TC map was full"));
        m.put("syscall.events", Family.counter(PREFIX + "syscall_events", "Connect/accept events taken by the flow table"));
        m.put("syscall.events-filtered", Family.counter(PREFIX + "syscall_events_filtered",
                "Connect/accept events the daemon's PID/port filters dropped (wanted, not lost)"));
        m.put("syscall.flows.active", Family.gauge(PREFIX + "syscall_flows_active", "Syscall flows in the table now"));
        m.put("syscall.records-exported", Family.counter(PREFIX + "syscall_records_exported", "Syscall flow records handed to the outputs"));
        m.put("syscall.kernel-filtered", Family.counter(PREFIX + "syscall_kernel_filtered",
                "Connect/accept events the PID/port filters dropped in the kernel (wanted, not lost)"));
        m.put("syscall.delivered", Family.counter(PREFIX + "syscall_events_delivered", "Connect/accept events read from the BPF ring buffer"));
        m.put("syscall.consumer-failures", Family.counter(PREFIX + "syscall_consumer_failures",
                "Connect/accept events whose handling threw (logged)"));
        m.put("attribution.owner-changes", Family.counter(PREFIX + "flow_owner_changes",
                "Times a biflow side's process changed between records (a shared socket used by another process)"));
        m.put("ownership.seeded", Family.counter(PREFIX + "ownership_seeded",
                "Socket owners written by the start-up scan of the sockets open then"));
        m.put("pipeline.cycle-failures", Family.counter(PREFIX + "flow_cycle_failures", "Flow cycles that failed (logged; the next one runs)"));
        m.put("pipeline.output-failures", Family.counter(PREFIX + "output_failures", "Records an output threw on (logged)"));
        m.put("pipeline.scan-entries", Family.gauge(PREFIX + "tc_scan_entries", "Entries in the TC map at its last read"));
        m.put("pipeline.final-flush-millis", Family.millisAsSeconds(PREFIX + "final_flush_seconds", null,
                "Duration of the shutdown's export of every active flow (0 while running)"));
        m.put("tc.map-insert-failures", Family.counter(PREFIX + "tc_map_insert_failures",
                "Packets whose flow could not be inserted into the TC map (then counted through the overflow ring)"));
        m.put("tc.overflow-delivered", Family.counter(PREFIX + "tc_overflow_delivered", "Overflow ring records read"));
        m.put("tc.truncated", Family.counter(PREFIX + "tc_truncated_packets", "Packets with headers shorter than their protocol says"));
        m.put("tc.non-ip", Family.counter(PREFIX + "tc_non_ip_packets", "Packets that were neither IPv4 nor IPv6"));
        m.put("tc.ipv6-ext-header-limit", Family.counter(PREFIX + "tc_ipv6_ext_header_limit_packets",
                "IPv6 packets with more extension headers than the parser follows"));
        m.put("tc.interfaces", Family.gauge(PREFIX + "tc_interfaces", "Interfaces the TC programs are attached to"));
        m.put("tc.namespaces", Family.gauge(PREFIX + "tc_namespaces", "Network namespaces the TC programs count in (flowmon.namespaces)"));
        m.put("ipfix.records-queued", Family.counter(PREFIX + "ipfix_records_queued", "Records accepted into the IPFIX send queue"));
        m.put("ipfix.records-encoded", Family.counter(PREFIX + "ipfix_records_encoded", "Flow data records put into IPFIX messages"));
        m.put("ipfix.records-failed", Family.counter(PREFIX + "ipfix_records_failed", "Records that could not be encoded (logged)"));
        m.put("ipfix.records-not-sent", Family.counter(PREFIX + "ipfix_records_not_sent",
                "Flow data records lost before encoding (queue full, closed, failed)"));
        m.put("ipfix.records-skipped-empty", Family.counter(PREFIX + "ipfix_records_skipped_empty",
                "Flow records with no packet either way, never exported"));
        m.put("ipfix.messages", Family.counter(PREFIX + "ipfix_messages_encoded", "IPFIX messages of flow records built"));
        m.put("ipfix.send-errors", Family.counter(PREFIX + "ipfix_send_errors", "Failed sends, all collectors together"));
        m.put("ipfix.icmp-errors", Family.counter(PREFIX + "ipfix_icmp_errors", "ICMP errors from UDP collectors, all together"));
        m.put("ipfix.records-refused", Family.counter(PREFIX + "ipfix_records_refused",
                "Flow records in messages that UDP collectors refused (ICMP errors), all together"));
        m.put("ipfix.reconnects", Family.counter(PREFIX + "ipfix_reconnects", "TCP/TLS collector reconnections, all together"));
        m.put("ipfix.messages-dropped-buffer-full", Family.counter(PREFIX + "ipfix_messages_dropped_buffer_full",
                "IPFIX messages dropped because a TCP/TLS collector's buffer was full, all together"));
        m.put("json.records-written", Family.counter(PREFIX + "json_records_written", "Records written as JSON lines"));
        m.put("json.write-failures", Family.counter(PREFIX + "json_write_failures", "JSON lines that could not be written"));
        m.put("json.partial-lines", Family.counter(PREFIX + "json_partial_lines",
                "Partial JSON lines that could not be cut off after a failed write (each ends with a newline)"));
        m.put("tc.non-ip.lost", Family.counter(PREFIX + "tc_non_ip_lost_packets",
                "Frames without IP addresses whose EtherType could not be counted (per-EtherType map full)"));
        m.put("kafka.records-produced", Family.counter(PREFIX + "kafka_records_produced",
                "Kafka records handed to the Kafka output (flows in format json, IPFIX messages in format ipfix)"));
        m.put("kafka.records-delivered", Family.counter(PREFIX + "kafka_records_delivered", "Kafka records the brokers acknowledged"));
        m.put("kafka.records-pending", Family.gauge(PREFIX + "kafka_records_pending",
                "Kafka records in the output's queue or the producer's buffer now (grows while no broker answers)"));
        m.put("kafka.ipfix.records-encoded", Family.counter(PREFIX + "kafka_ipfix_records_encoded",
                "Kafka output in format ipfix: flow records put into IPFIX messages"));
        m.put("kafka.ipfix.records-not-sent", Family.counter(PREFIX + "kafka_ipfix_records_not_sent",
                "Kafka output in format ipfix: flow records in messages the output could not take (its queue full)"));
        m.put("kafka.ipfix.messages", Family.counter(PREFIX + "kafka_ipfix_messages_encoded",
                "Kafka output in format ipfix: IPFIX messages of flow records built"));
        containers(m);
        return m;
    }

    /** container.ResolverStatistics: cgroup id to container, resolved once per cgroup and cached. */
    private static void containers(Map<String, Family> m) {
        m.put("containers.cache-hits", Family.counter(PREFIX + "container_cache_hits",
                "cgroup-to-container lookups answered from the cache"));
        m.put("containers.cache-misses", Family.counter(PREFIX + "container_cache_misses",
                "cgroup-to-container lookups the cache could not answer (then /proc/PID/cgroup, the last walk, a new walk)"));
        m.put("containers.cache-evictions", Family.counter(PREFIX + "container_cache_evictions",
                "cgroups dropped from the full container cache, least recently used first"));
        m.put("containers.cache-entries", Family.gauge(PREFIX + "container_cache_entries", "cgroups in the container cache now"));
        m.put("containers.cgroup-walks", Family.counter(PREFIX + "cgroup_walks", "Walks of the cgroup tree (at most one per 10 s)"));
        m.put("containers.cgroup-walks-truncated", Family.counter(PREFIX + "cgroup_walks_truncated",
                "Walks that stopped at their cgroup limit: cgroups past it are not resolved (logged)"));
        m.put("containers.cgroup-walks-failed", Family.counter(PREFIX + "cgroup_walks_failed",
                "Walks that failed on an I/O error; the last good walk stays in use (logged, at most once a minute)"));
        m.put("containers.unresolved", Family.counter(PREFIX + "container_lookups_unresolved",
                "cgroup lookups that found no cgroup (gone, or newer than the last walk): those owners carry no container"));
    }

    private static Map<String, Family> collectorFamilies() {
        Map<String, Family> m = new LinkedHashMap<>();
        m.put("connected", Family.gauge(PREFIX + "collector_connected", "collector",
                "1 while the destination is open (resolved and connected, or the file open)"));
        m.put("messages-sent", Family.counter(PREFIX + "collector_messages_sent", "collector", "IPFIX messages sent"));
        m.put("octets-sent", Family.counter(PREFIX + "collector_sent_bytes", "collector", "Octets of the IPFIX messages sent"));
        m.put("flow-records-sent", Family.counter(PREFIX + "collector_flow_records_sent", "collector", "Flow data records sent"));
        m.put("data-records-sent", Family.counter(PREFIX + "collector_data_records_sent", "collector",
                "Data records sent, options records (statistics, daemon health) included"));
        m.put("not-sent-flow-records", Family.counter(PREFIX + "collector_flow_records_not_sent", "collector",
                "Flow data records that did not reach this destination"));
        m.put("send-errors", Family.counter(PREFIX + "collector_send_errors", "collector", "Failed sends other than unreachable"));
        m.put("unreachable", Family.counter(PREFIX + "collector_unreachable", "collector",
                "ICMP port/host unreachable reported for the destination, and failed connects"));
        m.put("template-refreshes", Family.counter(PREFIX + "collector_template_refreshes", "collector", "Times the templates were (re)sent"));
        m.put("icmp-errors", Family.counter(PREFIX + "collector_icmp_errors", "collector",
                "UDP: ICMP errors the kernel reported for the collector"));
        m.put("records-refused", Family.counter(PREFIX + "collector_flow_records_refused", "collector",
                "UDP: flow records in the messages those ICMP errors refused (not delivered)"));
        m.put("reconnects", Family.counter(PREFIX + "collector_reconnects", "collector",
                "TCP/TLS: connections established after the first"));
        m.put("buffered", Family.gauge(PREFIX + "collector_buffered_messages", "collector",
                "TCP/TLS: data messages held, not yet acknowledged by the collector's TCP"));
        m.put("messages-dropped-buffer-full", Family.counter(PREFIX + "collector_messages_dropped", "collector",
                "TCP/TLS: data messages dropped because the collector's buffer was full"));
        return m;
    }

    /** The family and label value of a statistics key; never null (unknown keys get {@link #generic}). */
    public static Sample map(String key) {
        Family exact = EXACT.get(key);
        if (exact != null) {
            return new Sample(exact, null);
        }
        if (key.startsWith("dropped.")) {
            return new Sample(DROPPED, key.substring("dropped.".length()));
        }
        if (key.startsWith("flows.ended.")) {
            return new Sample(FLOWS_ENDED, key.substring("flows.ended.".length()));
        }
        if (key.startsWith("syscall.ended.")) {
            return new Sample(SYSCALL_ENDED, key.substring("syscall.ended.".length()));
        }
        if (key.startsWith("tc.non-ip.")) {
            return new Sample(NON_IP_BY_TYPE, key.substring("tc.non-ip.".length()));
        }
        if (key.startsWith("tc.attach.")) {
            return new Sample(TC_ATTACH, key.substring("tc.attach.".length()));
        }
        if (key.startsWith("attribution.records-")) {
            return new Sample(RECORDS_BY_OWNERS, key.substring("attribution.records-".length()));
        }
        if (key.startsWith("attribution.no-owner.")) {
            return new Sample(ENDS_WITHOUT_OWNER, key.substring("attribution.no-owner.".length()));
        }
        if (key.startsWith("ownership.no-owner-for-")) {
            return new Sample(NO_OWNER, key.substring("ownership.no-owner-for-".length()));
        }
        Matcher part = CYCLE_PART.matcher(key);
        if (part.matches()) {
            return new Sample(part.group(2) == null ? CYCLE_PART_LAST : CYCLE_PART_MAX, part.group(1));
        }
        Matcher collector = COLLECTOR.matcher(key);
        if (collector.matches()) {
            Family f = COLLECTOR_FAMILIES.get(collector.group(2));
            return new Sample(f != null ? f : generic("collector." + collector.group(2), "collector"), collector.group(1));
        }
        return new Sample(generic(key, null), null);
    }

    /** Every family a statistic can map to, besides generic ones, plus flowmond_build_info and the cycle interval. */
    static Set<String> familyNames() {
        Set<String> names = new TreeSet<>();
        EXACT.values().forEach(f -> names.add(f.name()));
        COLLECTOR_FAMILIES.values().forEach(f -> names.add(f.name()));
        for (Family f : List.of(DROPPED, FLOWS_ENDED, SYSCALL_ENDED, RECORDS_BY_OWNERS, ENDS_WITHOUT_OWNER, NO_OWNER,
                CYCLE_PART_LAST, CYCLE_PART_MAX, NON_IP_BY_TYPE, TC_ATTACH)) {
            names.add(f.name());
        }
        names.add(PREFIX + "build_info");
        names.add(StatisticsCollector.CYCLE_INTERVAL);
        return names;
    }

    /** True for the keys that are labels of flowmond_build_info rather than metrics. */
    static boolean isProbeVariant(String key) {
        return key.startsWith(PROBE_VARIANT);
    }

    /**
     * A gauge named after a key no rule maps ({@code kafka.records-sent} → {@code flowmond_kafka_records_sent}):
     * exported rather than lost, but without knowing whether it is a counter; give it a rule.
     */
    static Family generic(String key, String label) {
        String name = PREFIX + key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        if (name.matches(".*_(total|created|bucket|info|count|sum)")) {
            name += "_value"; // suffixes the exposition formats reserve for counters, histograms and info metrics
        }
        return new Family(name, false, "flowmond statistic " + key + " (no Prometheus mapping yet: exported as a gauge)", label, 1,
                true);
    }
}
