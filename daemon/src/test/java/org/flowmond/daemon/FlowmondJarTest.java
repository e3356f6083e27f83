package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real jar as a process: exit statuses and the one-line messages on standard error. */
@RootTest
class FlowmondJarTest {

    @TempDir
    Path dir;

    @Test
    void badConfigurationExits78WithOneLine() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon {\n  export.collectors = [{ host = \"10.0.0.256\", port = 4739 }]\n}\n");
        Tools.Result result = JarProcess.run("--config", file.toString());
        assertEquals(78, result.exitCode());
        assertEquals(file + ":2: flowmon.export.collectors[0].host: expected an IPv4 or IPv6 address or a DNS name, got \"10.0.0.256\"\n",
                result.stderr());
        assertEquals("", result.stdout());
    }

    @Test
    void badCommandLineValueExits78() {
        Tools.Result result = JarProcess.run("-R", "9-3", "--check-config");
        assertEquals(78, result.exitCode());
        assertEquals("command line option -R: flowmon.filter.port-range: expected \"LO-HI\" with 1 <= LO <= HI <= 65535, or \"\" for none, got \"9-3\"\n",
                result.stderr());
    }

    @Test
    void checkConfigExits0() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon.flows.idle-timeout = 10s\n");
        Tools.Result result = JarProcess.run("--config", file.toString(), "--check-config", "-P", "80,443");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("configuration OK: " + file + "\n", result.stdout());
    }

    @Test
    void withoutCapabilitiesExits77WithOneLine() {
        Privileges.requireRoot();
        Privileges.requireTool("setpriv");
        // root, but with an empty capability bounding set: what a container or a bad unit gives
        Tools.Result result = Tools.runUnchecked(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all",
                JarProcess.java(), "-jar", JarProcess.JAR.toString(), "-i", "lo"));
        assertEquals(77, result.exitCode());
        assertEquals("missing capabilities CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN to load BPF programs and attach TC hooks:"
                + " run as root, or through packaging/flowmond.service\n", result.stderr());
    }

    @Test
    void anInterfaceThatDoesNotExistIsOneLineAndExit1() {
        Privileges.requireRoot();
        Tools.Result result = JarProcess.run("-i", "nosuch0", "--collector", "127.0.0.1:4739");
        assertEquals(1, result.exitCode(), result.stderr());
        assertTrue(result.stderr().endsWith("\ncannot start: no network interface 'nosuch0': ENODEV (No such device)\n"),
                result.stderr());
    }

    @Test
    void unknownOptionExits64() {
        Tools.Result result = JarProcess.run("--frobnicate");
        assertEquals(64, result.exitCode());
        assertEquals("unknown option --frobnicate (see flowmond --help)\n", result.stderr());
    }

    @Test
    void versionAndHelp() {
        Tools.Result version = JarProcess.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.stdout().matches("flowmond \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.stdout());
        Tools.Result help = JarProcess.run("--help");
        assertEquals(0, help.exitCode());
        assertEquals(CommandLine.USAGE, help.stdout());
    }
}
