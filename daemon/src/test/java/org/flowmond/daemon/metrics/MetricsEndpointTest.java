package org.flowmond.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The endpoint through HTTP as Prometheus reads it: every statistic as a sample with the exact
 * name, labels and value; listening, reloading and a busy port.
 */
@UnitTest
class MetricsEndpointTest {

    private static Settings settings(String listen) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.metrics.listen = \"" + listen + "\"\nflowmon.probes.tc-scan-interval = 250ms\n"));
    }

    /** The sample lines (no # HELP/# TYPE) that start with flowmond_. */
    private static List<String> samples(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("flowmond_")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void everyStatisticIsASampleWithItsNameLabelsAndValue() throws Exception {
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("flows.active", 7L);
        stats.put("flows.records-exported", 42L);
        stats.put("flows.ended.idle", 3L);
        stats.put("flows.ended.forced-end", 1L);
        stats.put("dropped.map-full", 5L);
        stats.put("dropped.ring-buffer", 0L);
        stats.put("attribution.records-both-sides", 9L);
        stats.put("ownership.no-owner-for-address", 2L);
        stats.put("pipeline.scan-millis", 12L);
        stats.put("pipeline.scan-millis-max", 1500L);
        stats.put("probe.variant.fentry", 1L);
        stats.put("collector[udp:127.0.0.1:4739].messages-sent", 11L);
        stats.put("collector[udp:127.0.0.1:4739].connected", 1L);
        stats.put("collector[udp:127.0.0.1:4739].octets-sent", 1234L);
        stats.put("kafka.records-sent", 8L);
        int port = Scrape.freePort();
        try (MetricsEndpoint e = MetricsEndpoint.start(settings("127.0.0.1:" + port), () -> stats, "1.2.3")) {
            String text = Scrape.get("127.0.0.1:" + port);
            List<String> s = samples(text);
            List<String> expected = List.of(
                    "flowmond_build_info{probe_variant=\"fentry\",version=\"1.2.3\"} 1",
                    "flowmond_flow_cycle_interval_seconds 0.25",
                    "flowmond_flows_active 7.0",
                    "flowmond_flow_records_exported_total 42.0",
                    "flowmond_flows_ended_total{reason=\"forced-end\"} 1.0",
                    "flowmond_flows_ended_total{reason=\"idle\"} 3.0",
                    "flowmond_dropped_total{reason=\"map-full\"} 5.0",
                    "flowmond_dropped_total{reason=\"ring-buffer\"} 0.0",
                    "flowmond_flow_records_by_owners_total{sides=\"both-sides\"} 9.0",
                    "flowmond_ownership_lookups_without_owner_total{packet=\"address\"} 2.0",
                    "flowmond_flow_cycle_part_seconds{part=\"scan\"} 0.012",
                    "flowmond_flow_cycle_part_max_seconds{part=\"scan\"} 1.5",
                    "flowmond_collector_messages_sent_total{collector=\"udp:127.0.0.1:4739\"} 11.0",
                    "flowmond_collector_connected{collector=\"udp:127.0.0.1:4739\"} 1.0",
                    "flowmond_collector_sent_bytes_total{collector=\"udp:127.0.0.1:4739\"} 1234.0",
                    "flowmond_kafka_records_sent 8.0");
            for (String line : expected) {
                assertTrue(s.contains(line), line + " missing from:\n" + String.join("\n", s));
            }
            assertEquals(expected.size(), s.size(), String.join("\n", s));
            assertTrue(text.contains("# TYPE flowmond_dropped_total counter"), text);
            assertTrue(text.contains("# TYPE flowmond_kafka_records_sent gauge"), text);
            assertTrue(text.contains("\nprocess_cpu_seconds_total "), "process metrics: " + text);
            assertTrue(text.contains("\njvm_memory_used_bytes{area=\"heap\"} "), "JVM metrics: " + text);
        }
    }

    @Test
    void beforeTheServiceRunsAScrapeHasBuildInfoAndNoStatistics() throws Exception {
        int port = Scrape.freePort();
        try (MetricsEndpoint e = MetricsEndpoint.start(settings("127.0.0.1:" + port), Map::of, "1.2.3")) {
            assertEquals(List.of("flowmond_build_info{probe_variant=\"none\",version=\"1.2.3\"} 1",
                    "flowmond_flow_cycle_interval_seconds 0.25"), samples(Scrape.get("127.0.0.1:" + port)));
        }
    }

    @Test
    void emptyListenOpensNothing() throws Exception {
        try (MetricsEndpoint e = MetricsEndpoint.start(settings(""), Map::of, "1")) {
            assertEquals(Optional.empty(), e.port());
        }
    }

    @Test
    void aBusyPortIsAStartUpErrorNamingTheKeyAndAddress() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + busy.getLocalPort();
            MetricsBindException e = assertThrows(MetricsBindException.class,
                    () -> MetricsEndpoint.start(settings(listen), Map::of, "1"));
            assertEquals("flowmon.metrics.listen = \"" + listen + "\": cannot listen there: java.net.BindException: Address already in use",
                    e.getMessage());
        }
    }

    @Test
    void reloadMovesTheListenerOnlyWhenTheMetricsSettingsChange() throws Exception {
        int first = Scrape.freePort();
        int second = Scrape.freePort();
        Map<String, Long> stats = Map.of("flows.active", 1L);
        try (MetricsEndpoint e = MetricsEndpoint.start(settings("127.0.0.1:" + first), () -> stats, "1")) {
            e.reload(settings("127.0.0.1:" + first));
            assertTrue(Scrape.get("127.0.0.1:" + first).contains("flowmond_flows_active 1.0"));
            e.reload(settings("127.0.0.1:" + second));
            assertEquals(Optional.of(second), e.port());
            assertTrue(Scrape.get("127.0.0.1:" + second).contains("flowmond_flows_active 1.0"));
            assertThrows(java.io.IOException.class, () -> Scrape.get("127.0.0.1:" + first), "the old port is closed");
            e.reload(settings(""));
            assertEquals(Optional.empty(), e.port());
        }
    }

    @Test
    void aReloadToABusyPortFailsAndKeepsTheRunningListener() throws Exception {
        int port = Scrape.freePort();
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             MetricsEndpoint e = MetricsEndpoint.start(settings("127.0.0.1:" + port), Map::of, "1")) {
            assertThrows(MetricsBindException.class, () -> e.reload(settings("127.0.0.1:" + busy.getLocalPort())));
            assertEquals(Optional.of(port), e.port());
            assertTrue(Scrape.get("127.0.0.1:" + port).contains("flowmond_build_info"));
        }
    }

    @Test
    void genericNamesNeverClashWithMappedOnesOrReservedSuffixes() throws Exception {
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("flows.active", 1L);
        stats.put("flows_active", 2L); // generic flowmond_flows_active: taken by the mapped gauge
        stats.put("kafka.sent.total", 3L);
        int port = Scrape.freePort();
        try (MetricsEndpoint e = MetricsEndpoint.start(settings("127.0.0.1:" + port), () -> stats, "1")) {
            List<String> s = samples(Scrape.get("127.0.0.1:" + port));
            assertTrue(s.containsAll(Arrays.asList("flowmond_flows_active 1.0", "flowmond_flows_active_unmapped 2.0",
                    "flowmond_kafka_sent_total_value 3.0")), String.join("\n", s));
        }
    }
}
