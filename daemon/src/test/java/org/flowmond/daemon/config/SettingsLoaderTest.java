package org.flowmond.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.tc.TcAttachMode;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.ExporterSettings;
import org.flowmond.ipfix.TlsFiles;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid configurations read into the expected Settings. */
@UnitTest
class SettingsLoaderTest {

    @TempDir
    Path dir;

    @Test
    void referenceConfAloneGivesTheDocumentedDefaults() throws Exception {
        Settings s = new SettingsLoader().defaults();
        assertEquals(InterfaceSelection.allInterfaces(), s.interfaces());
        assertEquals(NamespaceSelection.ownOnly(), s.namespaces());
        assertFalse(s.namespaces().others());
        assertEquals(TcHooks.BOTH, s.directions());
        assertEquals(new ProbeSettings(HookVariant.AUTO, 1 << 20, Duration.ofMillis(100), 65536, Duration.ofSeconds(1),
                TcAttachMode.AUTO, 1, 65536), s.probes());
        assertEquals(new FilterSettings(Set.of(), Set.of(), Optional.empty()), s.filter());
        assertEquals(new FlowSettings(65536, 16384, Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(1)), s.flows());
        assertEquals(new AttributionSettings(true), s.attribution());
        assertEquals(new ExportSettings(List.of(new Collector("127.0.0.1", 4739)), 1, ExporterSettings.AUTO_MTU, Duration.ofSeconds(60), 1000,
                32473, BiflowMode.RFC5103, 4096, 1024, Optional.empty()), s.export());
        assertEquals(new OutputSettings(Optional.empty(), Optional.empty(), Optional.empty(), KAFKA_OFF), s.outputs());
        assertFalse(s.outputs().kafka().enabled());
        assertEquals(new StatsSettings(Duration.ofSeconds(60)), s.stats());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), s.identity().hostName());
        String machineId = Files.exists(Path.of("/etc/machine-id")) ? Files.readString(Path.of("/etc/machine-id")).trim() : "";
        assertEquals(machineId, s.identity().machineId());
    }

    private static final KafkaSettings KAFKA_OFF = new KafkaSettings(List.of(), "", KafkaFormat.JSON, 65536, Map.of());

    @Test
    void kafkaOutputAndIdentity() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, """
                flowmon {
                  outputs.kafka {
                    bootstrap-servers = ["kafka-1.example.org:9093", "10.0.0.7:9092", "[::1]:9092"]
                    topic = flowmond.flows
                    queue-limit = 1000
                    properties {
                      security.protocol = SASL_SSL
                      "sasl.mechanism" = "SCRAM-SHA-512"
                      linger.ms = 20
                    }
                  }
                  identity { host-name = "web-7", machine-id = "0123456789ABCDEF0123456789abcdef" }
                  export.observation-domain-id = machine-id
                }
                """);
        Settings s = new SettingsLoader().load(Optional.of(file), ConfigFactory.empty());
        assertEquals(new KafkaSettings(List.of("kafka-1.example.org:9093", "10.0.0.7:9092", "[::1]:9092"), "flowmond.flows",
                KafkaFormat.JSON, 1000, Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                        "linger.ms", "20")), s.outputs().kafka());
        assertEquals(new IdentitySettings("web-7", "0123456789abcdef0123456789abcdef"), s.identity());
        assertEquals(0x01234567L, s.export().observationDomainId(), "the machine id's first 32 bits");
    }

    @Test
    void allNamespaces() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon.namespaces = [\"all\"]\n");
        Settings s = new SettingsLoader().load(Optional.of(file), ConfigFactory.empty());
        assertEquals(NamespaceSelection.allNamespaces(), s.namespaces());
        assertTrue(s.namespaces().others());
    }

    @Test
    void everyKeyCanBeSetInTheFile() throws Exception {
        Path json = dir.resolve("flows.json");
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, """
                flowmon {
                  interfaces = [eth0, lo, eth0]
                  namespaces = [blue, red, blue]
                  directions = Ingress
                  probes { syscall-hook = tracepoint, ring-buffer-size = 256K, ring-poll-interval = 50ms,
                           tc-map-entries = 4096, tc-scan-interval = 200ms,
                           tc-attach = tc, tc-priority = 100, owner-map-entries = 4096 }
                  filter { pids = [1, 42], ports = [80, 443], port-range = "8000-8080" }
                  flows { max-flows = 10, max-syscall-flows = 20, idle-timeout = 5s, active-timeout = 1m, fin-linger = 0s }
                  attribution.proc-scan-at-start = off
                  export {
                    collectors = [ { host = "::1", port = 2055 }, { host = "collector.example.org", port = 4739 },
                                   { host = "[fe80::1%eth0]", port = 4739 } ]
                    observation-domain-id = 4294967295
                    mtu = 9000
                    template-refresh = 10m
                    template-refresh-messages = 0
                    enterprise-id = 12345
                    biflow = uniflow
                    send-queue-limit = 10
                    collector-buffer = 20
                  }
                  outputs { json-file = "JSON" }
                  stats.interval = 5s
                }
                """.replace("JSON", json.toString()));
        Settings s = new SettingsLoader().load(Optional.of(file), ConfigFactory.empty());
        assertEquals(InterfaceSelection.of(List.of("eth0", "lo")), s.interfaces());
        assertEquals(NamespaceSelection.of(List.of("blue", "red")), s.namespaces());
        assertEquals(TcHooks.INGRESS, s.directions());
        assertTrue(s.directions().includes(Direction.INGRESS));
        assertFalse(s.directions().includes(Direction.EGRESS));
        assertEquals(new ProbeSettings(HookVariant.TRACEPOINT, 256 * 1024, Duration.ofMillis(50), 4096, Duration.ofMillis(200),
                TcAttachMode.TC, 100, 4096), s.probes());
        assertEquals(new FilterSettings(Set.of(1, 42), Set.of(80, 443), Optional.of(new PortRange(8000, 8080))), s.filter());
        assertEquals(new FlowSettings(10, 20, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ZERO), s.flows());
        assertFalse(s.attribution().procScanAtStart());
        assertEquals(new ExportSettings(List.of(new Collector("::1", 2055), new Collector("collector.example.org", 4739),
                        new Collector("fe80::1%eth0", 4739)), 4294967295L, 9000, Duration.ofMinutes(10), 0, 12345,
                BiflowMode.UNIFLOWS, 10, 20, Optional.empty()), s.export());
        assertEquals("[::1]:2055", s.export().collectors().get(0).toString());
        assertEquals(new OutputSettings(Optional.empty(), Optional.of(json), Optional.empty(), KAFKA_OFF), s.outputs());
        assertEquals(Duration.ofSeconds(5), s.stats().interval());
    }

    @Test
    void tcpAndTlsCollectorsLoadWithTheTlsFiles() throws Exception {
        org.flowmond.testing.Privileges.requireTool("openssl");
        Path key = dir.resolve("flowmond.key");
        Path cert = dir.resolve("flowmond.pem");
        org.flowmond.testing.Tools.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=flowmond", "-days", "2");
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, """
                flowmon.export {
                  collectors = [ { host = "10.0.0.1", port = 4739, transport = tcp },
                                 { host = "collector.example.org", port = 4740, transport = TLS },
                                 { host = "::1", port = 4739 } ]
                  tls { certificate = "CERT", key = "KEY", ca = "CERT" }
                }
                """.replace("CERT", cert.toString()).replace("KEY", key.toString()));
        ExportSettings export = new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()).export();
        assertEquals(List.of(Collector.tcp("10.0.0.1", 4739, export.collectorBuffer()),
                Collector.tls("collector.example.org", 4740, new TlsFiles(cert, key, cert), export.collectorBuffer()),
                new Collector("::1", 4739)), export.collectors());
        assertEquals(Optional.of(new TlsFiles(cert, key, cert)), export.tls());
    }

    @Test
    void theInstalledConfigFileOverridesNothing() throws Exception {
        Path installed = Path.of("..", "config", "flowmon.conf");
        SettingsLoader loader = new SettingsLoader();
        assertEquals(loader.defaults(), loader.load(Optional.of(installed), ConfigFactory.empty()));
    }

    @Test
    void environmentSubstitutionsAreAllowed() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon.export.mtu = 1400\nflowmon.export.mtu = ${?FLOWMOND_TEST_UNSET_VARIABLE}\n");
        assertEquals(1400, new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()).export().mtu());
    }

    @Test
    void theMtuIsAutoOrANumber() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        for (String written : new String[] {"auto", "\" AUTO \"", "9000"}) {
            Files.writeString(file, "flowmon.export.mtu = " + written + "\n");
            int expected = written.equals("9000") ? 9000 : ExporterSettings.AUTO_MTU;
            assertEquals(expected, new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()).export().mtu(), written);
        }
    }

    @Test
    void portFilterAcceptsListOrRange() {
        FilterSettings none = new FilterSettings(Set.of(), Set.of(), Optional.empty());
        assertTrue(none.acceptsPorts(1, 2));
        FilterSettings both = new FilterSettings(Set.of(), Set.of(22), Optional.of(new PortRange(8000, 8080)));
        assertTrue(both.acceptsPorts(22, 50000));
        assertTrue(both.acceptsPorts(50000, 8080));
        assertFalse(both.acceptsPorts(50000, 8081));
        assertTrue(new FilterSettings(Set.of(7), Set.of(), Optional.empty()).acceptsPid(7));
        assertFalse(new FilterSettings(Set.of(7), Set.of(), Optional.empty()).acceptsPid(8));
    }
}
