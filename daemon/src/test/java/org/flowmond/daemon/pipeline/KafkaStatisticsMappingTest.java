package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.daemon.metrics.StatisticNames;
import org.flowmond.testing.SlowTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Kafka output's statistics (both formats) each have a Prometheus family of their own, as StatisticsMappingTest asks of the rest. */
@SlowTest
class KafkaStatisticsMappingTest {

    @ParameterizedTest
    @ValueSource(strings = {"json", "ipfix"})
    void everyKafkaStatisticHasAFamilyOfItsOwn(String format, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.export.collectors = []\nflowmon.outputs.kafka { bootstrap-servers = [\"127.0.0.1:1\"], topic = t, format = "
                        + format + " }\n"));
        Pipeline p = Pipeline.start(s, new FakeSources(), () -> 0L,
                new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), false);
        try {
            Map<String, Long> stats = p.statistics();
            assertTrue(stats.containsKey("kafka.records-produced"), stats.toString());
            TreeSet<String> unmapped = new TreeSet<>();
            for (String key : stats.keySet()) {
                if (key.contains("kafka") && StatisticNames.map(key).family().generic()) {
                    unmapped.add(key);
                }
            }
            assertEquals(new TreeSet<>(List.of()), unmapped, "statistics without a rule in metrics.StatisticNames");
        } finally {
            p.close();
        }
    }
}
