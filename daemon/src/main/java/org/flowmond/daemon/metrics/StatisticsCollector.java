package org.flowmond.daemon.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The daemon's statistics as Prometheus metrics, read when Prometheus scrapes: this asks the
 * running service for its statistics (the map the log line and STATUS= show) and turns each
 * key into a sample through {@link StatisticNames}. Nothing is counted for the endpoint's sake,
 * so the flow thread neither allocates nor waits for it; the scrape's garbage is made on the
 * HTTP thread.
 */
public final class StatisticsCollector implements MultiCollector {
    static final String CYCLE_INTERVAL = StatisticNames.PREFIX + "flow_cycle_interval_seconds";

    private final Supplier<Map<String, Long>> statistics;
    private final String version;
    private final DoubleSupplier cycleIntervalSeconds;

    /**
     * @param statistics           the service's statistics by key (called once per scrape, on the HTTP thread)
     * @param version              flowmond's version, a label of flowmond_build_info
     * @param cycleIntervalSeconds the configured flow cycle interval (probes.tc-scan-interval), which the
     *                             cycle timings are compared with
     */
    public StatisticsCollector(Supplier<Map<String, Long>> statistics, String version, DoubleSupplier cycleIntervalSeconds) {
        this.statistics = statistics;
        this.version = version;
        this.cycleIntervalSeconds = cycleIntervalSeconds;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, Long> stats = statistics.get();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(buildInfo(stats));
        out.add(GaugeSnapshot.builder().name(CYCLE_INTERVAL).unit(Unit.SECONDS)
                .help("Configured time between flow cycles (flowmon.probes.tc-scan-interval)")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(cycleIntervalSeconds.getAsDouble()).build())
                .build());
        for (Group g : group(stats).values()) {
            out.add(g.snapshot());
        }
        return new MetricSnapshots(out);
    }

    /** Statistics by family name, each family's samples in key order; a generic name taken by a mapped family moves aside. */
    private static Map<String, Group> group(Map<String, Long> stats) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : stats.entrySet()) {
            if (StatisticNames.isProbeVariant(e.getKey())) {
                continue;
            }
            Sample s = StatisticNames.map(e.getKey());
            Family f = s.family();
            Group g = groups.get(f.name());
            if (g != null && !g.family.equals(f)) {
                f = StatisticNames.generic(f.name().substring(StatisticNames.PREFIX.length()) + "_unmapped", f.label());
                g = groups.get(f.name());
            }
            if (g == null) {
                g = new Group(f);
                groups.put(f.name(), g);
            }
            g.add(s.labelValue(), e.getValue());
        }
        return groups;
    }

    private InfoSnapshot buildInfo(Map<String, Long> stats) {
        String variant = "none";
        for (Map.Entry<String, Long> e : stats.entrySet()) {
            if (StatisticNames.isProbeVariant(e.getKey()) && e.getValue() == 1L) {
                variant = e.getKey().substring(StatisticNames.PROBE_VARIANT.length());
            }
        }
        return InfoSnapshot.builder().name(StatisticNames.PREFIX + "build")
                .help("flowmond's version and the syscall probe variant attached (fentry, kprobe, socket, raw_tracepoint, tracepoint)")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", version, "probe_variant", variant)).build())
                .build();
    }

    /** The samples of one family. */
    private static final class Group {
        final Family family;
        final List<Labels> labels = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        final Set<String> seen = new HashSet<>();

        Group(Family family) {
            this.family = family;
        }

        void add(String labelValue, long value) {
            String id = String.valueOf(labelValue);
            if (!seen.add(id)) {
                return; // two keys for one series: only possible between generic names; the first wins
            }
            labels.add(family.label() == null || labelValue == null ? Labels.EMPTY : Labels.of(family.label(), labelValue));
            values.add(value * family.scale());
        }

        MetricSnapshot snapshot() {
            Unit unit = family.name().endsWith("_seconds") ? Unit.SECONDS : family.name().endsWith("_bytes") ? Unit.BYTES : null;
            if (family.counter()) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(family.name()).help(family.help());
                if (unit != null) {
                    b.unit(unit);
                }
                for (int i = 0; i < values.size(); i++) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
                }
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family.name()).help(family.help());
            if (unit != null) {
                b.unit(unit);
            }
            for (int i = 0; i < values.size(); i++) {
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
    }
}
