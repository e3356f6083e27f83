package org.flowmond.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed configuration files, each with the exact one-line error the daemon prints before
 * exiting with 78. "F" in an expected message stands for the file's path. The validator runs in
 * process here; FlowmondProcessTest checks the exit status of the real jar.
 */
@UnitTest
class MalformedConfigTest {

    @TempDir
    Path dir;

    static Stream<Arguments> malformed() {
        return Stream.of(
                // 1. a typo in a key is an unknown key, with the near miss suggested
                Arguments.of("flowmon {\n  flows {\n    idle-timout = 10s\n  }\n}\n",
                        "F:3: flowmon.flows.idle-timout: unknown key (did you mean flowmon.flows.idle-timeout?)"),
                // 2. an unknown section at the top
                Arguments.of("flowmon.exporter.mtu = 1400\n",
                        "F:1: flowmon.exporter: unknown key (did you mean flowmon.export?)"),
                // 3. a key outside flowmon
                Arguments.of("interfaces = [eth0]\n",
                        "F:1: interfaces: unknown key"),
                // 4. a section given as a plain value
                Arguments.of("flowmon.flows = 100\n",
                        "F:1: flowmon.flows: expected a section { ... }, got 100"),
                // 5. wrong type: a word where a number goes
                Arguments.of("flowmon.flows.max-flows = many\n",
                        "F:1: flowmon.flows.max-flows: expected a whole number from 1 to 16777216, got \"many\""),
                // 6. out of range: zero flows
                Arguments.of("flowmon.flows.max-flows = 0\n",
                        "F:1: flowmon.flows.max-flows: expected a whole number from 1 to 16777216, got 0"),
                // 7. a fraction where a whole number goes
                Arguments.of("flowmon.export.mtu = 1400.5\n",
                        "F:1: flowmon.export.mtu: expected auto or a whole number from 576 to 65535, got 1400.5"),
                // 8. MTU too small for an IPFIX message
                Arguments.of("flowmon.export.mtu = 100\n",
                        "F:1: flowmon.export.mtu: expected auto or a whole number from 576 to 65535, got 100"),
                // 9. a duration without a unit (would silently be milliseconds in plain typesafe-config)
                Arguments.of("flowmon.flows.idle-timeout = 30\n",
                        "F:1: flowmon.flows.idle-timeout: expected a duration from 1s to 1d with a unit, such as 500ms, 30s or 5m, got 30"),
                // 10. a duration that is not one
                Arguments.of("flowmon.flows.idle-timeout = fast\n",
                        "F:1: flowmon.flows.idle-timeout: expected a duration from 1s to 1d with a unit, such as 500ms, 30s or 5m, got \"fast\""),
                // 11. active timeout shorter than idle timeout
                Arguments.of("flowmon.flows {\n  idle-timeout = 60s\n  active-timeout = 10s\n}\n",
                        "F:3: flowmon.flows.active-timeout: expected at least idle-timeout (1m), got \"10s\""),
                // 12. an enum value that does not exist
                Arguments.of("flowmon.directions = sideways\n",
                        "F:1: flowmon.directions: expected one of ingress, egress, both, got \"sideways\""),
                // 13. the probe variant misspelt
                Arguments.of("flowmon.probes.syscall-hook = kprobes\n",
                        "F:1: flowmon.probes.syscall-hook: expected one of auto, fentry, kprobe, socket, raw_tracepoint, tracepoint, got \"kprobes\""),
                // 13a. the TC attach path misspelt
                Arguments.of("flowmon.probes.tc-attach = tcx-link\n",
                        "F:1: flowmon.probes.tc-attach: expected one of auto, tcx, tc, got \"tcx-link\""),
                // 13b. a tc priority outside 1 .. 65535 (0 would let the kernel choose one)
                Arguments.of("flowmon.probes.tc-priority = 0\n",
                        "F:1: flowmon.probes.tc-priority: expected a whole number from 1 to 65535, got 0"),
                // 13c. an owner map too small to be of use
                Arguments.of("flowmon.probes.owner-map-entries = 100\n",
                        "F:1: flowmon.probes.owner-map-entries: expected a whole number from 1024 to 16777216, got 100"),
                // 14. biflow mode
                Arguments.of("flowmon.export.biflow = rfc7011\n",
                        "F:1: flowmon.export.biflow: expected one of rfc5103, ntop, uniflow, got \"rfc7011\""),
                // 15. a bad IPv4 collector address
                Arguments.of("flowmon.export.collectors = [\n  { host = \"127.0.0.1\", port = 4739 }\n  { host = \"300.1.2.3\", port = 4739 }\n]\n",
                        "F:3: flowmon.export.collectors[1].host: expected an IPv4 or IPv6 address or a DNS name, got \"300.1.2.3\""),
                // 16. a bad IPv6 collector address
                Arguments.of("flowmon.export.collectors = [{ host = \"fe80:::1\", port = 4739 }]\n",
                        "F:1: flowmon.export.collectors[0].host: expected an IPv4 or IPv6 address or a DNS name, got \"fe80:::1\""),
                // 17. a host name with a space
                Arguments.of("flowmon.export.collectors = [{ host = \"my collector\", port = 4739 }]\n",
                        "F:1: flowmon.export.collectors[0].host: expected an IPv4 or IPv6 address or a DNS name, got \"my collector\""),
                // 18. a collector port out of range
                Arguments.of("flowmon.export.collectors = [{ host = \"::1\", port = 70000 }]\n",
                        "F:1: flowmon.export.collectors[0].port: expected a whole number from 1 to 65535, got 70000"),
                // 19. a collector without a port
                Arguments.of("flowmon.export.collectors = [{ host = \"::1\" }]\n",
                        "F:1: flowmon.export.collectors[0].port: missing (a collector needs host and port)"),
                // 20. an unknown key inside a collector
                Arguments.of("flowmon.export.collectors = [{ host = \"::1\", port = 4739, protocol = tcp }]\n",
                        "F:1: flowmon.export.collectors[0].protocol: unknown key"),
                // 21. collectors given as one string
                Arguments.of("flowmon.export.collectors = \"127.0.0.1:4739\"\n",
                        "F:1: flowmon.export.collectors: expected a list [ ... ], got \"127.0.0.1:4739\""),
                // 22. a port out of range in the port filter, reported with its index
                Arguments.of("flowmon.filter.ports = [80, 443, 0]\n",
                        "F:1: flowmon.filter.ports[2]: expected a whole number from 1 to 65535, got 0"),
                // 23. a negative PID
                Arguments.of("flowmon.filter.pids = [-5]\n",
                        "F:1: flowmon.filter.pids[0]: expected a whole number from 1 to 4194304, got -5"),
                // 24. an inverted port range
                Arguments.of("flowmon.filter.port-range = \"9000-8000\"\n",
                        "F:1: flowmon.filter.port-range: expected \"LO-HI\" with 1 <= LO <= HI <= 65535, or \"\" for none, got \"9000-8000\""),
                // 25. "all" mixed with names
                Arguments.of("flowmon.interfaces = [all, eth0]\n",
                        "F:1: flowmon.interfaces: expected [\"all\"] alone or interface names without \"all\", got both"),
                // 26. an empty interface list
                Arguments.of("flowmon.interfaces = []\n",
                        "F:1: flowmon.interfaces: expected [\"all\"] or at least one interface name, got an empty list"),
                // 27. an interface name longer than IFNAMSIZ allows
                Arguments.of("flowmon.interfaces = [\"averyveryverylongname0\"]\n",
                        "F:1: flowmon.interfaces[0]: expected an interface name of 1 to 15 characters without '/', ':' or spaces, got \"averyveryverylongname0\""),
                // 28. ntop's enterprise number for our own elements
                Arguments.of("flowmon.export.enterprise-id = 35632\n",
                        "F:1: flowmon.export.enterprise-id: expected flowmond's own enterprise number, got 35632 (ntop's, whose element ids mean other things)"),
                // 29. an observation domain beyond 32 bits
                Arguments.of("flowmon.export.observation-domain-id = 4294967296\n",
                        "F:1: flowmon.export.observation-domain-id: expected a whole number from 0 to 4294967295 or \"machine-id\", got 4294967296"),
                // 30. a ring buffer that is not a power of two
                Arguments.of("flowmon.probes.ring-buffer-size = 3M\n",
                        "F:1: flowmon.probes.ring-buffer-size: expected a power of two (the kernel requires it), such as 256K or 1M, got \"3M\""),
                // 31. a boolean written as a number
                Arguments.of("flowmon.attribution.proc-scan-at-start = 1\n",
                        "F:1: flowmon.attribution.proc-scan-at-start: expected true or false, got 1"),
                // 32. an output file in a directory that does not exist
                Arguments.of("flowmon.outputs.json-file = \"/nonexistent/dir/flows.json\"\n",
                        "F:1: flowmon.outputs.json-file: expected a file in an existing directory, got \"/nonexistent/dir/flows.json\""),
                // 33. a null where a value goes
                Arguments.of("flowmon.stats.interval = null\n",
                        "F:1: flowmon.stats.interval: expected a duration from 1s to 1d with a unit, such as 500ms, 30s or 5m, got null"),
                // 34. a syntax error (unclosed brace), as typesafe-config words it
                Arguments.of("flowmon {\n  directions = both\n",
                        "F:3: syntax error: expecting a close parentheses ')' here, not: end of file"),
                // 35. a substitution of a variable that does not exist
                Arguments.of("flowmon.export.mtu = ${FLOWMOND_TEST_UNSET_VARIABLE}\n",
                        "F:1: Could not resolve substitution to a value: ${FLOWMOND_TEST_UNSET_VARIABLE}"),
                // 36. Kafka brokers but no topic
                Arguments.of("flowmon.outputs.kafka {\n  bootstrap-servers = [\"127.0.0.1:9092\"]\n}\n",
                        "F:2: flowmon.outputs.kafka.topic: missing (bootstrap-servers is set, so the records need a topic)"),
                // 37. a Kafka format that does not exist
                Arguments.of("flowmon.outputs.kafka.format = avro\n",
                        "F:1: flowmon.outputs.kafka.format: expected one of json, ipfix, got \"avro\""),
                // 38. a broker without a port
                Arguments.of("flowmon.outputs.kafka {\n  topic = flows\n  bootstrap-servers = [\"kafka.example.org\"]\n}\n",
                        "F:3: flowmon.outputs.kafka.bootstrap-servers[0]: expected \"host:port\" (an IPv4 address, [IPv6] address or DNS name, and a port 1..65535), got \"kafka.example.org\""),
                // 39. an IPv6 broker without brackets
                Arguments.of("flowmon.outputs.kafka.bootstrap-servers = [\"::1:9092\"]\n",
                        "F:1: flowmon.outputs.kafka.bootstrap-servers[0]: expected \"host:port\" (an IPv4 address, [IPv6] address or DNS name, and a port 1..65535), got \"::1:9092\""),
                // 40. a topic name Kafka refuses
                Arguments.of("flowmon.outputs.kafka.topic = \"flows/all\"\n",
                        "F:1: flowmon.outputs.kafka.topic: expected a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), got \"flows/all\""),
                // 41. a misspelt producer property
                Arguments.of("flowmon.outputs.kafka.properties {\n  security.protocoll = SSL\n}\n",
                        "F:2: flowmon.outputs.kafka.properties.\"security.protocoll\": not a Kafka producer property (see the Kafka documentation's producer configs)"),
                // 42. a producer property flowmond sets itself
                Arguments.of("flowmon.outputs.kafka.properties { \"bootstrap.servers\" = \"a:1\" }\n",
                        "F:1: flowmon.outputs.kafka.properties.\"bootstrap.servers\": set by flowmond itself (use bootstrap-servers); remove it here"),
                // 43. a producer property value the client refuses
                Arguments.of("flowmon.outputs.kafka.properties {\n  acks = maybe\n}\n",
                        "F:1: flowmon.outputs.kafka.properties: the Kafka client refuses it: Invalid value maybe for configuration acks: String must be one of: all, -1, 0, 1"),
                // 44. a machine id that is not one
                Arguments.of("flowmon.identity.machine-id = host-7\n",
                        "F:1: flowmon.identity.machine-id: expected 32 hexadecimal digits (the format of /etc/machine-id) or \"\" for this host's, got \"host-7\""),
                // 45. a domain that is neither a number nor machine-id
                Arguments.of("flowmon.export.observation-domain-id = hostname\n",
                        "F:1: flowmon.export.observation-domain-id: expected a whole number from 0 to 4294967295 or \"machine-id\", got \"hostname\""),
                // 46. "all" mixed with namespace names, on the line of the list
                Arguments.of("flowmon {\n  directions = both\n  namespaces = [blue, all]\n}\n",
                        "F:3: flowmon.namespaces: expected [\"all\"] alone or network namespace names without \"all\", got both"),
                // 47. a namespace name that cannot be a file under /run/netns
                Arguments.of("flowmon.namespaces = [\"blue\", \"../etc\"]\n",
                        "F:1: flowmon.namespaces[1]: expected \"all\" or the name of a network namespace under /run/netns (1 to 255 characters without '/' or spaces), got \"../etc\""),
                // 48. a single name instead of a list
                Arguments.of("flowmon.namespaces = all\n",
                        "F:1: flowmon.namespaces: expected a list [ ... ], got \"all\""));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    void isRejectedWithOneClearLine(String content, String expected) throws IOException {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, content);
        ConfigError error = assertThrows(ConfigError.class,
                () -> new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()));
        assertEquals(expected.replace("F:", file + ":"), error.getMessage());
        assertEquals(false, error.getMessage().contains("\n"), "one line");
        assertEquals(78, ConfigError.EXIT_STATUS);
    }

    /**
     * Collector transports and the TLS files. "D" stands for the test's directory: "D/garbage.pem"
     * exists but holds no PEM, "D/key.pem" is a valid PKCS#8 key without a matching certificate.
     */
    static Stream<Arguments> malformedTransports() {
        return Stream.of(
                // T1. a transport that does not exist
                Arguments.of("flowmon.export.collectors = [{ host = \"::1\", port = 4739, transport = sctp }]\n",
                        "F:1: flowmon.export.collectors[0].transport: expected one of udp, tcp, tls, got \"sctp\""),
                // T2. tls without the files
                Arguments.of("flowmon.export.collectors = [\n  { host = \"::1\", port = 4739 }\n"
                                + "  { host = \"collector.example.org\", port = 4740, transport = tls }\n]\n",
                        "F:3: flowmon.export.collectors[1].transport: tls needs flowmond's certificate, its key and the "
                                + "collectors' CA: set flowmon.export.tls.certificate, flowmon.export.tls.key and "
                                + "flowmon.export.tls.ca (PEM files), got none"),
                // T3. a certificate file that does not exist
                Arguments.of("flowmon.export.tls {\n  certificate = \"D/absent.pem\"\n  key = \"D/key.pem\"\n"
                                + "  ca = \"D/key.pem\"\n}\n",
                        "F:2: flowmon.export.tls.certificate: expected a readable PEM file, got \"D/absent.pem\" (no such file)"),
                // T4. two of the three files
                Arguments.of("flowmon.export.tls {\n  certificate = \"D/garbage.pem\"\n  key = \"D/key.pem\"\n}\n",
                        "F:2: flowmon.export.tls.ca: missing (certificate, key and ca go together: a PEM file each)"),
                // T5. files that exist but are no certificate
                Arguments.of("flowmon.export.tls {\n  certificate = \"D/garbage.pem\"\n  key = \"D/key.pem\"\n"
                                + "  ca = \"D/garbage.pem\"\n}\n",
                        "F:2: flowmon.export.tls.certificate: expected a PEM certificate, a PKCS#8 PEM key and PEM CA "
                                + "certificates that make a TLS client: "));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedTransports")
    void badTransportsAndTlsFilesAreRejectedWithOneClearLine(String content, String expected) throws Exception {
        org.flowmond.testing.Privileges.requireTool("openssl");
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        org.flowmond.testing.Tools.run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-out", dir.resolve("key.pem").toString());
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, content.replace("D/", dir + "/"));
        ConfigError error = assertThrows(ConfigError.class,
                () -> new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()));
        String message = error.getMessage();
        String want = expected.replace("F:", file + ":").replace("D/", dir + "/");
        if (want.endsWith(": ")) {
            assertEquals(true, message.startsWith(want), message); // then the TLS library's own words
        } else {
            assertEquals(want, message);
        }
        assertEquals(false, error.getMessage().contains("\n"), "one line");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("absent.conf");
        ConfigError error = assertThrows(ConfigError.class,
                () -> new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()));
        assertEquals(file + ": cannot read the configuration file (no such file)", error.getMessage());
    }
}
