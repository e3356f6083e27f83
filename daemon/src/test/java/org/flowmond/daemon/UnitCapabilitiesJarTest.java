package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar starts for real (probes loaded and attached, exporter running) with no more than the
 * capabilities flowmond.service's CapabilityBoundingSet= grants, reaches READY=1, reloads on SIGHUP
 * (and keeps running on a bad file), and exits 0 on SIGTERM after STOPPING=1: the unit's capability
 * list is enough for start, reload and a clean shutdown.
 */
@RootTest
class UnitCapabilitiesJarTest {

    @TempDir
    Path dir;

    @Test
    void startsReloadsAndStopsWithTheUnitsCapabilitiesOnly() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("setpriv");
        String socket = dir.resolve("notify").toString();
        Path stderr = dir.resolve("stderr");
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-all," + unitCapabilities()));
            Path config = dir.resolve("flowmon.conf");
            Files.writeString(config, "flowmon.interfaces = [lo]\n");
            command.addAll(List.of(JarProcess.java(), "-jar", JarProcess.JAR.toString(), "--config", config.toString(),
                    "--collector", "127.0.0.1:4739"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("NOTIFY_SOCKET", socket);
            Process flowmond = builder.start();
            String ready = takeOrExit(systemd, flowmond);
            assertTrue(ready.startsWith("READY=1\nSTATUS=running: "), ready + "\n" + Files.readString(stderr));

            Files.writeString(config, "flowmon.interfaces = [lo]\nflowmon.filter.ports = [80]\nflowmon.flows.idle-timeout = 10s\n");
            Tools.run("kill", "-HUP", Long.toString(flowmond.pid()));
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.take());
            assertEquals("READY=1\nSTATUS=configuration reloaded", systemd.take(), Files.readString(stderr));

            Files.writeString(config, "flowmon.interfaces = [lo]\nflowmon.filter.ports = [80, 65536]\n");
            Tools.run("kill", "-HUP", Long.toString(flowmond.pid()));
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.take());
            assertEquals("READY=1\nSTATUS=reload rejected, keeping the running configuration: " + config
                    + ":2: flowmon.filter.ports[1]: expected a whole number from 1 to 65535, got 65536", systemd.take());

            Tools.run("kill", "-TERM", Long.toString(flowmond.pid()));
            assertEquals("STOPPING=1\nSTATUS=stopping: flushing flows", systemd.take());
            assertTrue(flowmond.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
            assertEquals(0, flowmond.exitValue(), Files.readString(stderr));
        }
    }

    /** "+bpf,+perfmon,..." from the unit's CapabilityBoundingSet= line, in setpriv's spelling. */
    static String unitCapabilities() throws Exception {
        String line = Files.readAllLines(Path.of("..", "packaging", "flowmond.service")).stream()
                .filter(l -> l.startsWith("CapabilityBoundingSet=")).findFirst().orElseThrow();
        List<String> caps = new ArrayList<>();
        for (String cap : line.substring("CapabilityBoundingSet=".length()).trim().split("\\s+")) {
            caps.add("+" + cap.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""));
        }
        return String.join(",", caps);
    }

    /** The first notification, or a failure with the daemon's own message if it exits first. */
    static String takeOrExit(UnixDatagramReceiver systemd, Process flowmond) throws Exception {
        for (int i = 0; i < 2400; i++) {
            String message = systemd.poll();
            if (message != null) {
                return message;
            }
            if (!flowmond.isAlive()) {
                return "exited with " + flowmond.exitValue() + " before READY=1";
            }
            Thread.sleep(50);
        }
        flowmond.destroyForcibly();
        throw new IllegalStateException("no READY=1 within 120 s");
    }
}
