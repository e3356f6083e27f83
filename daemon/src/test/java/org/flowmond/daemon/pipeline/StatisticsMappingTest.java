package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
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
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.IpfixOutput;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every statistic the pipeline reports has its own Prometheus family: a key added to the flow
 * table, the pipeline, the JSON output or the IPFIX output (one UDP collector and the IPFIX file
 * here) without a rule in {@link StatisticNames} fails this test by name. (It would still be
 * exported, as a gauge named after the key.) The BPF sources' keys are checked the same way
 * against a running daemon by {@code PrometheusJarTest.everyStatisticOfTheRunningDaemonHasAFamilyOfItsOwn}.
 */
@UnitTest
class StatisticsMappingTest {

    @Test
    void everyPipelineStatisticHasAFamilyOfItsOwn(@TempDir Path dir) throws Exception {
        try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                    "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + collector.getLocalPort() + " }]\n"
                            + "flowmon.outputs.json-file = \"" + dir.resolve("flows.json") + "\"\n"
                            + "flowmon.outputs.ipfix-file = \"" + dir.resolve("flows.ipfix") + "\"\n"));
            FakeSources fake = new FakeSources();
            Sources withIpfix = new DelegatingSources(fake) {
                @Override
                public ExportOutput openExport(Settings settings) throws Exception {
                    return IpfixOutput.open(settings);
                }
            };
            Pipeline p = Pipeline.start(s, withIpfix, () -> 0L,
                    new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), false);
            try {
                p.runCycle();
                Map<String, Long> stats = p.statistics();
                assertTrue(stats.keySet().stream().anyMatch(k -> k.startsWith("collector[udp:")), stats.toString());
                assertTrue(stats.keySet().stream().anyMatch(k -> k.startsWith("collector[file:")), stats.toString());
                TreeSet<String> unmapped = new TreeSet<>();
                for (String key : stats.keySet()) {
                    if (!key.startsWith("probe.variant.") && StatisticNames.map(key).family().generic()) {
                        unmapped.add(key);
                    }
                }
                assertEquals(new TreeSet<>(List.of()), unmapped, "statistics without a rule in metrics.StatisticNames");
            } finally {
                p.close();
            }
        }
    }
}
