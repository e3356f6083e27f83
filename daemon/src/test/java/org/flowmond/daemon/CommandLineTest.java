package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.flowmond.daemon.config.ConfigError;
import org.flowmond.daemon.config.InterfaceSelection;
import org.flowmond.daemon.config.PortRange;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.ipfix.Collector;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: the seed tool's options, ours, overriding the file, and its errors. */
@UnitTest
class CommandLineTest {

    @TempDir
    Path dir;

    private Settings settings(String... args) throws Exception {
        CommandLine cl = CommandLine.parse(args);
        return new SettingsLoader().load(cl.configFile(), cl.overrides());
    }

    @Test
    void seedOptions() throws Exception {
        Path table = dir.resolve("tables.txt");
        Settings s = settings("-p", "100,200", "-p300", "-P", "80,443", "-R", "8000,8080", "-f", table.toString());
        assertEquals(Set.of(100, 200, 300), s.filter().pids());
        assertEquals(Set.of(80, 443), s.filter().ports());
        assertEquals(Optional.of(new PortRange(8000, 8080)), s.filter().portRange());
        assertEquals(Optional.of(table), s.outputs().tableFile());
    }

    @Test
    void daemonOptions() throws Exception {
        Path json = dir.resolve("flows.json");
        Settings s = settings("-i", "lo", "-i", "eth0", "--collector", "10.0.0.1:2055", "--collector=[::1]:4739",
                "--json=" + json, "-R", "1-1024");
        assertEquals(InterfaceSelection.of(List.of("lo", "eth0")), s.interfaces());
        assertEquals(List.of(new Collector("10.0.0.1", 2055), new Collector("::1", 4739)), s.export().collectors());
        assertEquals(Optional.of(json), s.outputs().jsonFile());
        assertEquals(Optional.of(new PortRange(1, 1024)), s.filter().portRange());
    }

    @Test
    void commandLineOverridesTheFile() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon { filter.ports = [22], interfaces = [eth1], flows.max-flows = 7 }\n");
        Settings s = settings("--config", file.toString(), "-P", "80", "-i", "all");
        assertEquals(Set.of(80), s.filter().ports());
        assertEquals(InterfaceSelection.allInterfaces(), s.interfaces());
        assertEquals(7, s.flows().maxFlows());
    }

    @Test
    void flags() throws Exception {
        CommandLine cl = CommandLine.parse("--check-config", "--version", "-h");
        assertTrue(cl.checkConfig() && cl.version() && cl.help());
        assertEquals(Optional.empty(), cl.configFile());
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("command line option -P: flowmon.filter.ports[1]: expected a whole number from 1 to 65535, got \"http\"",
                assertThrows(ConfigError.class, () -> settings("-P", "80,http")).getMessage());
        assertEquals("command line option -p: flowmon.filter.pids[0]: expected a whole number from 1 to 4194304, got 0",
                assertThrows(ConfigError.class, () -> settings("-p", "0")).getMessage());
        assertEquals("command line option -R: flowmon.filter.port-range: expected \"LO-HI\" with 1 <= LO <= HI <= 65535, or \"\" for none, got \"80\"",
                assertThrows(ConfigError.class, () -> settings("-R", "80")).getMessage());
        assertEquals("command line option --collector: flowmon.export.collectors: expected HOST:PORT or [IPv6]:PORT, got \"::1\"",
                assertThrows(ConfigError.class, () -> settings("--collector", "::1")).getMessage());
        assertEquals("command line option --collector: flowmon.export.collectors[0].host: expected an IPv4 or IPv6 address or a DNS name, got \"1.2.3.256\"",
                assertThrows(ConfigError.class, () -> settings("--collector", "1.2.3.256:4739")).getMessage());
        assertEquals("command line option --collector: flowmon.export.collectors[0].port: expected a whole number from 1 to 65535, got \"ipfix\"",
                assertThrows(ConfigError.class, () -> settings("--collector", "localhost:ipfix")).getMessage());
        assertEquals("command line option -i: flowmon.interfaces: expected [\"all\"] alone or interface names without \"all\", got both",
                assertThrows(ConfigError.class, () -> settings("-i", "all", "-i", "lo")).getMessage());
        assertEquals("command line option -f: flowmon.outputs.table-file: expected a file in an existing directory, got \"/nonexistent/t.txt\"",
                assertThrows(ConfigError.class, () -> settings("-f", "/nonexistent/t.txt")).getMessage());
    }

    @Test
    void usageErrors() {
        assertEquals("unknown option -x (see flowmond --help)",
                assertThrows(UsageError.class, () -> CommandLine.parse("-x")).getMessage());
        assertEquals("option --config needs a value (see flowmond --help)",
                assertThrows(UsageError.class, () -> CommandLine.parse("--config")).getMessage());
        assertEquals("unknown option extra (see flowmond --help)",
                assertThrows(UsageError.class, () -> CommandLine.parse("extra")).getMessage());
    }
}
