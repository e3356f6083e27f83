package org.flowmond.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code flowmon.metrics.listen}: off by default, "HOST:PORT" and "[v6]:PORT", one clear line (exit 78) otherwise. */
@UnitTest
class MetricsSettingsTest {

    @TempDir
    Path dir;

    private static MetricsSettings parse(String listen) throws ConfigError {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("flowmon.metrics.listen = \"" + listen + "\""))
                .metrics();
    }

    @Test
    void offByDefault() throws Exception {
        assertEquals(MetricsSettings.OFF, new SettingsLoader().defaults().metrics());
        assertEquals(MetricsSettings.OFF, parse(""));
    }

    @Test
    void hostAndPort() throws Exception {
        assertEquals(Optional.of(new MetricsSettings.Listen("127.0.0.1", 9477)), parse("127.0.0.1:9477").listen());
        assertEquals(Optional.of(new MetricsSettings.Listen("0.0.0.0", 9477)), parse("0.0.0.0:9477").listen());
        assertEquals(Optional.of(new MetricsSettings.Listen("::1", 9477)), parse("[::1]:9477").listen());
        assertEquals(Optional.of(new MetricsSettings.Listen("localhost", 1)), parse("localhost:1").listen());
        assertEquals("[::1]:9477", parse("[::1]:9477").listen().orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9477", ":9477", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http",
        "::1:9477", "[::1]", "300.1.1.1:9477", "my host:9477"})
    void anythingElseNamesFileLineKeyAndWhatWasExpected(String listen) throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon {\n  metrics.listen = \"" + listen + "\"\n}\n");
        ConfigError e = assertThrows(ConfigError.class, () -> new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()));
        assertEquals(file + ":2: flowmon.metrics.listen: expected \"HOST:PORT\" (an address and a TCP port 1..65535, "
                + "\"[v6]:PORT\" for IPv6), or \"\" for no endpoint, got \"" + listen + "\"", e.getMessage());
    }

    @Test
    void aNumberIsNotAnAddress() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon.metrics.listen = [9477]\n");
        ConfigError e = assertThrows(ConfigError.class, () -> new SettingsLoader().load(Optional.of(file), ConfigFactory.empty()));
        assertEquals(file + ":1: flowmon.metrics.listen: expected a string, got a list", e.getMessage());
    }
}
