package org.flowmond.daemon.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Every typed statistic has a name, and the names are the ones users know. */
@UnitTest
class StatisticKeysTest {

    /**
     * Numbers of the exporter's record that the daemon does not publish under a name of their own:
     * ignoredPacketTotal echoes dropped.map-full, notSentFlowRecords is part of ipfix.records-not-sent,
     * sinks are the Kafka output's message sinks (its own counters say what they took), a destination's
     * sequence number is protocol state; in format ipfix the Kafka output publishes only the encoder's counters.
     */
    private static final Set<String> UNNAMED = Set.of(
            "export.exporter.collectors[].sequenceNumber", "export.exporter.file.sequenceNumber",
            "export.exporter.ignoredPacketTotal", "export.exporter.notSentFlowRecords", "export.exporter.sinks",
            "kafka.ipfix.exporter.ignoredPacketTotal", "kafka.ipfix.exporter.notSentFlowRecords",
            "kafka.ipfix.exporter.sinks", "kafka.ipfix.exporter.collectors", "kafka.ipfix.exporter.file",
            "kafka.ipfix.exporter.recordsQueued", "kafka.ipfix.exporter.recordsDroppedClosed",
            "kafka.ipfix.exporter.recordsSkippedEmpty", "kafka.ipfix.exporter.recordsFailed");

    @Test
    void everyNumberOfTheSnapshotHasAName() {
        StatisticsSnapshot s = Snapshots.distinct();
        Collection<Long> named = StatisticKeys.of(s).values();
        List<String> missing = new ArrayList<>();
        walk("", s, (path, value) -> {
            if (!named.contains(value) && !named.contains(value / 1_000_000) && !UNNAMED.contains(path)) {
                missing.add(path + "=" + value);
            }
        }, missing);
        assertEquals(List.of(), missing, "statistics without a name in StatisticKeys (or the list of unnamed ones)");
    }

    @Test
    void theNamesAreTheOnesUsersKnowInTheirOrder() {
        Map<String, Long> m = StatisticKeys.of(Snapshots.distinct());
        List<String> keys = new ArrayList<>(m.keySet());
        assertEquals("flows.active", keys.get(0));
        assertTrue(keys.indexOf("dropped.event-queue") < keys.indexOf("pipeline.scan-entries"), keys.toString());
        assertTrue(keys.containsAll(List.of("dropped.map-full", "dropped.ring-buffer", "dropped.send-queue",
                "probe.variant.fentry", "tc.attach.tcx", "tc.non-ip.0x0806", "tc.non-ip.other",
                "kafka.ipfix.records-encoded", "json.partial-lines",
                "containers.cache-hits", "ownership.seeded", "attribution.owner-changes")), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.matches("collector\\[udp:192\\.0\\.2\\.1:\\d+]\\.messages-sent")), keys.toString());
        assertEquals("json.partial-lines", keys.get(keys.size() - 1));
    }

    private interface Visitor {
        void number(String path, long value);
    }

    private static void walk(String path, Object o, Visitor v, List<String> missing) {
        if (o == null) {
            missing.add(path + " (null: give it a value in Snapshots.distinct)");
        } else if (o instanceof Long l) {
            v.number(path, l);
        } else if (o instanceof Integer i) {
            v.number(path, i);
        } else if (o instanceof Map<?, ?> m) {
            m.forEach((k, x) -> walk(path + "[" + k + "]", x, v, missing));
        } else if (o instanceof Collection<?> c) {
            if (UNNAMED.contains(path)) {
                return;
            }
            c.forEach(x -> walk(path + "[]", x, v, missing));
        } else if (o instanceof Optional<?> opt) {
            if (!UNNAMED.contains(path)) {
                opt.ifPresent(x -> walk(path, x, v, missing));
            }
        } else if (o instanceof Record r) {
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    walk(path.isEmpty() ? rc.getName() : path + "." + rc.getName(), rc.getAccessor().invoke(r), v, missing);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        } // enums, booleans, strings: names of their own (probe.variant.*, tc.attach.*, collector[...])
    }
}
