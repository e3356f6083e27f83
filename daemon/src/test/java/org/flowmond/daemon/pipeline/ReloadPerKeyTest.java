package org.flowmond.daemon.pipeline;

import static org.flowmond.daemon.pipeline.Component.IPFIX;
import static org.flowmond.daemon.pipeline.Component.JSON;
import static org.flowmond.daemon.pipeline.Component.KAFKA;
import static org.flowmond.daemon.pipeline.Component.SYSCALL;
import static org.flowmond.daemon.pipeline.Component.TC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every key of reference.conf: a reload that changes only that key reopens exactly the
 * components that read it, with Kafka in format json and in format ipfix (which reads the export
 * settings too). Keys that reopen nothing are applied in place (flows, filter in the table,
 * intervals in the flow loop), read by the daemon (table-file, metrics) or read at start only.
 */
@UnitTest
class ReloadPerKeyTest {
    @TempDir
    static Path dir;

    /**
     * Key under flowmon → its new value ("DIR" stands for the temporary directory) and what it
     * reopens with Kafka in format json and in format ipfix.
     */
    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    private record Case(String value, Set<Component> json, Set<Component> ipfix) {
    }

    private static void key(String key, String value, Set<Component> reopened) {
        key(key, value, reopened, reopened);
    }

    private static void key(String key, String value, Set<Component> withJson, Set<Component> withIpfix) {
        CASES.put(key, new Case(value, withJson, withIpfix));
    }

    private static Set<Component> of(Component... c) {
        return c.length == 0 ? EnumSet.noneOf(Component.class) : EnumSet.of(c[0], c);
    }

    static {
        key("interfaces", "[lo]", of(TC));
        key("namespaces", "[all]", of(TC));
        key("directions", "ingress", of(TC));
        key("probes.syscall-hook", "tracepoint", of(SYSCALL));
        key("probes.ring-buffer-size", "2M", of(SYSCALL));
        key("probes.ring-poll-interval", "50ms", of(SYSCALL)); // the probes' reader polls with it
        key("probes.tc-map-entries", "131072", of(TC));
        key("probes.owner-map-entries", "131072", of()); // read at start only
        key("probes.tc-scan-interval", "2s", of());
        key("probes.tc-attach", "tc", of(TC));
        key("probes.tc-priority", "2", of(TC));
        key("filter.pids", "[1]", of(SYSCALL));
        key("filter.ports", "[80]", of(SYSCALL));
        key("filter.port-range", "\"8000-8080\"", of(SYSCALL));
        key("flows.max-flows", "1024", of());
        key("flows.max-syscall-flows", "1024", of());
        key("flows.idle-timeout", "5s", of());
        key("flows.active-timeout", "60s", of());
        key("flows.fin-linger", "2s", of());
        key("attribution.proc-scan-at-start", "false", of()); // read at start only
        key("tcp-health.enabled", "false", of(TC));
        key("export.collectors", "[{ host = \"127.0.0.1\", port = 4740 }]", of(IPFIX));
        key("export.observation-domain-id", "2", of(IPFIX), of(IPFIX, KAFKA));
        key("export.mtu", "1400", of(IPFIX), of(IPFIX, KAFKA));
        key("export.template-refresh", "30s", of(IPFIX), of(IPFIX, KAFKA));
        key("export.template-refresh-messages", "500", of(IPFIX), of(IPFIX, KAFKA));
        key("export.enterprise-id", "1234", of(IPFIX), of(IPFIX, KAFKA));
        key("export.biflow", "uniflow", of(IPFIX), of(IPFIX, KAFKA));
        key("export.send-queue-limit", "8192", of(IPFIX), of(IPFIX, KAFKA));
        key("export.collector-buffer", "2048", of(IPFIX));
        key("export.tls.certificate", "\"DIR/cert2.pem\"", of(IPFIX));
        key("export.tls.key", "\"DIR/key-copy.pem\"", of(IPFIX));
        key("export.tls.ca", "\"DIR/cert2.pem\"", of(IPFIX));
        key("outputs.table-file", "\"DIR/tables\"", of()); // written by the daemon at shutdown
        key("outputs.json-file", "\"DIR/other.json\"", of(JSON));
        key("outputs.ipfix-file", "\"DIR/flows.ipfix\"", of(IPFIX));
        key("outputs.kafka.bootstrap-servers", "[\"127.0.0.1:2\"]", of(KAFKA));
        key("outputs.kafka.topic", "other", of(KAFKA));
        key("outputs.kafka.format", "ipfix", of(KAFKA), of(KAFKA));
        key("outputs.kafka.queue-limit", "100", of(KAFKA));
        key("outputs.kafka.properties", "{ \"linger.ms\" = \"5\" }", of(KAFKA));
        key("identity.host-name", "h2", of(JSON, KAFKA));
        key("identity.machine-id", "\"ffeeddccbbaa99887766554433221100\"", of(JSON, KAFKA));
        key("stats.interval", "30s", of(IPFIX), of(IPFIX, KAFKA));
        key("metrics.listen", "\"127.0.0.1:9100\"", of()); // the daemon's endpoint, not the pipeline's
    }

    @BeforeAll
    static void tlsFiles() throws Exception {
        Path key = dir.resolve("key.pem");
        Tools.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", dir.resolve("cert.pem").toString(), "-subj", "/CN=flowmond", "-days", "2");
        Tools.run("openssl", "req", "-x509", "-key", key.toString(), "-out", dir.resolve("cert2.pem").toString(),
                "-subj", "/CN=flowmond2", "-days", "2");
        Files.copy(key, dir.resolve("key-copy.pem"));
        Files.writeString(dir.resolve("passwd"), "alice:x:1000:1000::/home/alice:/bin/sh\n");
    }

    private static String base(String kafkaFormat) {
        return """
                flowmon.outputs.json-file = "DIR/flows.json"
                flowmon.outputs.kafka { bootstrap-servers = ["127.0.0.1:1"], topic = flows, format = FORMAT }
                flowmon.identity { host-name = h1, machine-id = "00112233445566778899aabbccddeeff" }
                flowmon.export.tls { certificate = "DIR/cert.pem", key = "DIR/key.pem", ca = "DIR/cert.pem" }
                """.replace("FORMAT", kafkaFormat);
    }

    private static Settings settings(String text) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(text.replace("DIR", dir.toString())));
    }

    static Stream<Arguments> keys() {
        return CASES.keySet().stream().map(Arguments::of);
    }

    @Test
    void everyKeyOfReferenceConfHasACase() {
        TreeSet<String> keys = new TreeSet<>();
        ConfigFactory.parseResources(SettingsLoader.class, "/reference.conf").getConfig("flowmon").entrySet()
                .forEach(e -> keys.add(e.getKey()));
        keys.add("outputs.kafka.properties"); // an empty object in reference.conf: no leaf of its own
        assertEquals(keys, new TreeSet<>(CASES.keySet()));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void withKafkaInFormatJson(String key) throws Exception {
        Case c = CASES.get(key);
        assertReopens(base("json"), key, c.value(), c.json());
    }

    @ParameterizedTest
    @MethodSource("keys")
    void withKafkaInFormatIpfix(String key) throws Exception {
        Case c = CASES.get(key);
        String value = key.equals("outputs.kafka.format") ? "json" : c.value();
        assertReopens(base("ipfix"), key, value, c.ipfix());
    }

    /** Starts on {@code base}, reloads with {@code key} changed alone, and checks what was opened again. */
    private static void assertReopens(String base, String key, String value, Set<Component> expected) throws Exception {
        FakeSources src = new FakeSources();
        src.fakeKafka = true;
        Pipeline p = Pipeline.start(settings(base), src, () -> 0L,
                new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), false);
        try {
            p.reload(settings(base + "flowmon." + key + " = " + value + "\n"));
            assertEquals(expected, p.lastReopened(), key);
            assertEquals(expected.contains(TC) ? 2 : 1, src.tcOpened, key + ": TC program opened");
            assertEquals(expected.contains(SYSCALL) ? 2 : 1, src.syscallOpened, key + ": probes opened");
            assertEquals(expected.contains(IPFIX) ? 2 : 1, src.exportOpened, key + ": IPFIX export opened");
            assertEquals(expected.contains(KAFKA) ? 2 : 1, src.kafkaOpened, key + ": Kafka output opened");
        } finally {
            p.close();
        }
    }
}
