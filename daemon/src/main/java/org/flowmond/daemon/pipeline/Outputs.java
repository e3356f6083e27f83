package org.flowmond.daemon.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.flowmond.daemon.config.ExportSettings;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.config.KafkaFormat;
import org.flowmond.daemon.config.KafkaSettings;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.JsonLinesSink;
import org.flowmond.daemon.output.SeedTables;
import org.flowmond.daemon.stats.JsonCounters;
import org.flowmond.daemon.stats.OutputCounters;
import org.flowmond.daemon.stats.StatisticsSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where records go: the seed tables (always), JSON lines, the IPFIX export and Kafka, each opened
 * and closed on its own, all behind one {@link FanOutSink}. Used under the flow lock.
 */
final class Outputs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);
    /** A snapshot or options record that fails every cycle is logged once a minute, with the count. */
    private final RateLimitedLogger statisticsProblems = new RateLimitedLogger(LOG, 1, TimeUnit.MINUTES);

    private final SeedTables tables = new SeedTables();
    private final FanOutSink fanOut = new FanOutSink();
    private final Sources sources;
    private volatile JsonLinesSink json;
    private volatile ExportOutput export;
    private volatile ExportOutput kafka;

    /** What the JSON output reads; null when it is off. */
    record JsonSlice(Path file, IdentitySettings identity) {
    }

    /** What the IPFIX export reads; null when it has no collector and no file. */
    record IpfixSlice(ExportSettings export, Duration statsInterval, Path file) {
    }

    /**
     * What the Kafka output reads; null when it is off. In format ipfix it has an exporter of its
     * own on the export settings, without their collectors, TLS files and buffers.
     */
    record KafkaSlice(KafkaSettings kafka, IdentitySettings identity, KafkaIpfix ipfix) {
    }

    record KafkaIpfix(long observationDomainId, int mtu, Duration templateRefresh, int templateRefreshMessages,
                      long enterpriseId, BiflowMode biflow, int sendQueueLimit, Duration statsInterval) {
    }

    static JsonSlice jsonSlice(Settings s) {
        return s.outputs().jsonFile().map(f -> new JsonSlice(f, s.identity())).orElse(null);
    }

    static IpfixSlice ipfixSlice(Settings s) {
        if (s.export().collectors().isEmpty() && s.outputs().ipfixFile().isEmpty()) {
            return null;
        }
        return new IpfixSlice(s.export(), s.stats().interval(), s.outputs().ipfixFile().orElse(null));
    }

    static KafkaSlice kafkaSlice(Settings s) {
        KafkaSettings k = s.outputs().kafka();
        if (!k.enabled()) {
            return null;
        }
        ExportSettings e = s.export();
        KafkaIpfix ipfix = k.format() != KafkaFormat.IPFIX ? null : new KafkaIpfix(e.observationDomainId(), e.mtu(),
                e.templateRefresh(), e.templateRefreshMessages(), e.enterpriseId(), e.biflow(), e.sendQueueLimit(),
                s.stats().interval());
        return new KafkaSlice(k, s.identity(), ipfix);
    }

    private Outputs(Sources sources) {
        this.sources = sources;
    }

    /** Opens every output the settings name; on failure closes those already open. */
    static Outputs open(Settings s, Sources sources) throws Exception {
        Outputs o = new Outputs(sources);
        try {
            o.reopen(Set.of(Component.JSON, Component.IPFIX, Component.KAFKA), s);
        } catch (Exception | Error e) {
            o.close();
            throw e;
        }
        return o;
    }

    /** The sink the flow table writes to. */
    FlowSink sink() {
        return fanOut;
    }

    SeedTables tables() {
        return tables;
    }

    /**
     * Closes and opens again the outputs among {@code changed}, one at a time (a file output is
     * closed before its file is opened again); the others keep running.
     */
    void reopen(Set<Component> changed, Settings s) throws Exception {
        if (changed.contains(Component.JSON)) {
            closeJson();
            json = jsonSlice(s) == null ? null : new JsonLinesSink(s.outputs().jsonFile().orElseThrow(), s.identity());
            setSinks();
        }
        if (changed.contains(Component.IPFIX)) {
            closeExport();
            export = sources.openExport(s);
            setSinks();
        }
        if (changed.contains(Component.KAFKA)) {
            closeKafka();
            kafka = sources.openKafka(s);
            setSinks();
        }
    }

    /** Whether an export takes the statistics (for its options records): without one, none are built for it. */
    boolean exportsStatistics() {
        return export != null;
    }

    /** Hands the statistics to the IPFIX export for its options records, if there is one. */
    void feedStatistics(Supplier<StatisticsSnapshot> statistics) {
        ExportOutput e = export;
        if (e == null) {
            return;
        }
        try {
            e.exportStatistics(statistics.get());
        } catch (RuntimeException ex) {
            statisticsProblems.warn("statistics for the IPFIX options records: " + ex, null);
        }
    }

    /**
     * At shutdown: the last statistics to the export, then the network outputs send what they hold
     * (the exporter at most 10 s, Kafka a few seconds); their counters stay readable.
     */
    void finish(Supplier<StatisticsSnapshot> statistics) {
        feedStatistics(statistics);
        if (export != null) {
            export.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    long failures() {
        return fanOut.failures();
    }

    OutputCounters exportCounters() {
        ExportOutput e = export;
        return e == null ? null : e.counters();
    }

    OutputCounters kafkaCounters() {
        ExportOutput k = kafka;
        return k == null ? null : k.counters();
    }

    JsonCounters jsonCounters() {
        JsonLinesSink j = json;
        return j == null ? null : new JsonCounters(j.written(), j.failed(), j.partialLines());
    }

    @Override
    public void close() {
        closeJson();
        closeExport();
        closeKafka();
    }

    private void setSinks() {
        List<FlowSink> sinks = new ArrayList<>();
        sinks.add(tables);
        for (FlowSink s : new FlowSink[] {json, export, kafka}) {
            if (s != null) {
                sinks.add(s);
            }
        }
        fanOut.set(sinks);
    }

    private void closeJson() {
        JsonLinesSink j = json;
        json = null;
        setSinks();
        closeQuietly(j);
    }

    private void closeExport() {
        ExportOutput e = export;
        export = null;
        setSinks();
        closeQuietly(e);
    }

    private void closeKafka() {
        ExportOutput k = kafka;
        kafka = null;
        setSinks();
        closeQuietly(k);
    }

    /** After it left the fan-out: what it still holds is flushed, a failure only logged. */
    private static void closeQuietly(AutoCloseable output) {
        if (output == null) {
            return;
        }
        try {
            output.close();
        } catch (Exception e) {
            LOG.warn("closing the output {}: {}", output.getClass().getSimpleName(), e.toString());
        }
    }
}
