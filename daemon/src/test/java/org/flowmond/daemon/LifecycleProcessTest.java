package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle as a separate process with real signals (kill -HUP/-TERM/-INT) and systemd's
 * notification socket bound here; the service only records (RecordingServiceMain). As root,
 * because the real preflight (capabilities, BTF, tracefs) runs first.
 */
@RootTest
class LifecycleProcessTest {

    @TempDir
    Path dir;
    Path config;
    Path stdout;
    Path stderr;

    @BeforeEach
    void setUp() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("kill");
        config = dir.resolve("flowmon.conf");
        Files.writeString(config, "flowmon.flows.max-flows = 100\n");
        stdout = dir.resolve("stdout");
        stderr = dir.resolve("stderr");
    }

    private Process start(String notifySocket, String... env) throws Exception {
        return start(List.of(), notifySocket, env);
    }

    /** @param prefix a command that runs the JVM in the end (e.g. unshare ... sh -c '... exec "$@"') */
    private Process start(List<String> prefix, String notifySocket, String... env) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(JarProcess.java(), "-cp", System.getProperty("java.class.path"),
                RecordingServiceMain.class.getName(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().remove("NOTIFY_SOCKET");
        if (notifySocket != null) {
            builder.environment().put("NOTIFY_SOCKET", notifySocket);
        }
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        return builder.start();
    }

    private static void signal(Process process, String signal) {
        Tools.run("kill", "-" + signal, Long.toString(process.pid()));
    }

    private static int exitStatus(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("flowmond did not exit within 60 s");
        }
        return process.exitValue();
    }

    @Test
    void underSystemdReloadsRejectsABadReloadAndStopsWithZero() throws Exception {
        String socket = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            Process flowmond = start(socket, "WATCHDOG_USEC", "600000000");
            assertEquals("READY=1\nSTATUS=running: flows.active=0", systemd.take());
            assertEquals("WATCHDOG=1", systemd.take());

            Files.writeString(config, "flowmon.flows.max-flows = 200\n");
            signal(flowmond, "HUP");
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.take());
            assertEquals("READY=1\nSTATUS=configuration reloaded", systemd.take());

            Files.writeString(config, "flowmon.flows.max-flows = 300\nflowmon.directions = sideways\n");
            signal(flowmond, "HUP");
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.take());
            assertEquals("READY=1\nSTATUS=reload rejected, keeping the running configuration: " + config
                    + ":2: flowmon.directions: expected one of ingress, egress, both, got \"sideways\"", systemd.take());

            signal(flowmond, "TERM");
            assertEquals("STOPPING=1\nSTATUS=stopping: flushing flows", systemd.take());
            assertEquals(0, exitStatus(flowmond), Files.readString(stderr));
            // as a service without table-file the tables go nowhere
            assertEquals("start max-flows=100\nreload max-flows=200\nclose\n", Files.readString(stdout));
        }
    }

    @Test
    void preflightMountsTracefsWhenItIsNotMounted() throws Exception {
        Privileges.requireTool("unshare");
        // A private mount namespace where tracefs is unmounted; the host's mounts are untouched.
        List<String> prefix = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "umount /sys/kernel/tracing 2>/dev/null; grep -q ' /sys/kernel/tracing ' /proc/self/mounts && exit 99; exec \"$@\"",
                "sh");
        String socket = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            Process flowmond = start(prefix, socket);
            assertEquals("READY=1\nSTATUS=running: flows.active=0", systemd.take(), Files.readString(stderr));
            signal(flowmond, "TERM");
            assertEquals(0, exitStatus(flowmond), Files.readString(stderr));
            assertTrue(Files.readString(stderr).contains("INFO  Preflight: mounted tracefs (it was not mounted)\n"),
                    Files.readString(stderr));
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceWhenShutdownHangs() throws Exception {
        String socket = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            Process flowmond = start(socket, "RECORDING_SERVICE_CLOSE_HANGS", "1");
            assertEquals("READY=1\nSTATUS=running: flows.active=0", systemd.take());
            signal(flowmond, "TERM");
            assertEquals("STOPPING=1\nSTATUS=stopping: flushing flows", systemd.take());
            signal(flowmond, "TERM");
            assertEquals(Signals.EXIT_FORCED, exitStatus(flowmond));
            assertTrue(Files.readString(stderr).endsWith("second SIGTERM: exiting now, without flushing the flows\n"),
                    Files.readString(stderr));
        }
    }

    @Test
    void inTheForegroundSigintPrintsTheTablesAndExitsZero() throws Exception {
        // No NOTIFY_SOCKET: foreground. Wait for the start line on stdout before sending SIGINT.
        Process flowmond = start(null);
        for (int i = 0; i < 1200 && !Files.readString(stdout).contains("start"); i++) {
            Thread.sleep(50);
        }
        // The signal handlers are installed before the service starts, so SIGINT is handled.
        signal(flowmond, "INT");
        assertEquals(0, exitStatus(flowmond), Files.readString(stderr));
        assertEquals("start max-flows=100\nclose\nPID\tCOMM\tIP\tSADDR\tDADDR\tRPORT\tCOUNT\tMTBS(s)\n", Files.readString(stdout));
    }

    @Test
    void badConfigurationExits78BeforeAnythingStarts() throws Exception {
        Files.writeString(config, "flowmon.export.collectors = [{ host = \"::1\", port = 0 }]\n");
        Process flowmond = start(null);
        assertEquals(78, exitStatus(flowmond));
        assertEquals(config + ":1: flowmon.export.collectors[0].port: expected a whole number from 1 to 65535, got 0\n",
                Files.readString(stderr));
        assertEquals("", Files.readString(stdout));
    }
}
