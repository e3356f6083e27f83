package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.daemon.metrics.Scrape;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint's life in the real jar: a malformed address is a configuration error
 * (78, file and line), a busy port stops start-up with one line, and under the unit's capabilities
 * the endpoint serves the running daemon's statistics, stays where it is on a reload that leaves
 * {@code flowmon.metrics} alone, moves on one that changes it, and keeps running when the new
 * port is busy (the reload is refused).
 */
@RootTest
class MetricsJarTest {

    @TempDir
    Path dir;

    @Test
    void aMalformedAddressExits78NamingFileLineAndKey() throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, "flowmon {\n  metrics.listen = \"localhost\"\n}\n");
        Tools.Result result = JarProcess.run("--config", file.toString(), "--check-config");
        assertEquals(78, result.exitCode());
        assertEquals(file + ":2: flowmon.metrics.listen: expected \"HOST:PORT\" (an address and a TCP port 1..65535, "
                + "\"[v6]:PORT\" for IPv6), or \"\" for no endpoint, got \"localhost\"\n", result.stderr());
    }

    @Test
    void aBusyPortStopsStartUpWithOneLine() throws Exception {
        Privileges.requireRoot();
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + busy.getLocalPort();
            Path file = dir.resolve("flowmon.conf");
            Files.writeString(file, "flowmon.interfaces = [lo]\nflowmon.metrics.listen = \"" + listen + "\"\n");
            Tools.Result result = JarProcess.run("--config", file.toString());
            assertEquals(1, result.exitCode(), result.stderr());
            assertEquals("cannot start: flowmon.metrics.listen = \"" + listen
                    + "\": cannot listen there: java.net.BindException: Address already in use\n", result.stderr());
        }
    }

    @Test
    void servesTheDaemonAndFollowsReloadsUnderTheUnitsCapabilities() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("setpriv");
        String first = "127.0.0.1:" + Scrape.freePort();
        String second = "127.0.0.1:" + Scrape.freePort();
        Path config = dir.resolve("flowmon.conf");
        String base = "flowmon.interfaces = [lo]\nflowmon.export.collectors = []\n";
        Files.writeString(config, base + "flowmon.metrics.listen = \"" + first + "\"\n");
        String socket = dir.resolve("notify").toString();
        Path stderr = dir.resolve("stderr");
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--inh-caps=-all",
                    "--bounding-set=-all," + UnitCapabilitiesJarTest.unitCapabilities()));
            command.addAll(List.of(JarProcess.java(), "-jar", JarProcess.JAR.toString(), "--config", config.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("NOTIFY_SOCKET", socket);
            Process flowmond = builder.start();
            try {
                String ready = UnitCapabilitiesJarTest.takeOrExit(systemd, flowmond);
                assertTrue(ready.startsWith("READY=1\nSTATUS=running: "), ready + "\n" + Files.readString(stderr));
                String text = Scrape.get(first);
                assertTrue(text.contains("\nflowmond_tc_interfaces 1.0\n"), text);
                assertTrue(text.contains("\nflowmond_dropped_total{reason=\"ring-buffer\"} 0.0\n"), text);

                // a reload that changes something else: the endpoint stays
                Files.writeString(config, base + "flowmon.metrics.listen = \"" + first + "\"\nflowmon.flows.idle-timeout = 10s\n");
                reload(flowmond, systemd, "READY=1\nSTATUS=configuration reloaded", stderr);
                assertTrue(Scrape.get(first).contains("flowmond_build_info"));

                // a new address: the endpoint moves
                Files.writeString(config, base + "flowmon.metrics.listen = \"" + second + "\"\n");
                reload(flowmond, systemd, "READY=1\nSTATUS=configuration reloaded", stderr);
                assertTrue(Scrape.get(second).contains("flowmond_build_info"));
                assertThrows(java.io.IOException.class, () -> Scrape.get(first));

                // a busy address: refused, the endpoint stays where it was
                try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    String taken = "127.0.0.1:" + busy.getLocalPort();
                    Files.writeString(config, base + "flowmon.metrics.listen = \"" + taken + "\"\n");
                    reload(flowmond, systemd, "READY=1\nSTATUS=reload failed, keeping the running configuration: "
                            + "org.flowmond.daemon.metrics.MetricsBindException: flowmon.metrics.listen = \"" + taken
                            + "\": cannot listen there: java.net.BindException: Address already in use", stderr);
                }
                assertTrue(Scrape.get(second).contains("flowmond_build_info"));

                Tools.run("kill", "-TERM", Long.toString(flowmond.pid()));
                assertTrue(flowmond.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
                assertEquals(0, flowmond.exitValue(), Files.readString(stderr));
                assertThrows(java.io.IOException.class, () -> Scrape.get(second), "closed at shutdown");
            } finally {
                flowmond.destroyForcibly();
            }
        }
    }

    private static void reload(Process flowmond, UnixDatagramReceiver systemd, String outcome, Path stderr) throws Exception {
        Tools.run("kill", "-HUP", Long.toString(flowmond.pid()));
        assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.take());
        assertEquals(outcome, systemd.take(), Files.readString(stderr));
    }
}
