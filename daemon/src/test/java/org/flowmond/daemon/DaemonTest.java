package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.daemon.config.Settings;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main loop with a recording service: signals are queued before run(), so the sequence is
 * deterministic (no sleeps, no timing), and systemd's side is a real socket bound here.
 */
@UnitTest
class DaemonTest {

    @TempDir
    Path dir;

    /** Records what the lifecycle asked of it. */
    static final class RecordingService implements Service {
        final List<String> calls = new ArrayList<>();
        final List<Settings> reloads = new ArrayList<>();

        @Override
        public void reload(Settings newSettings) {
            calls.add("reload");
            reloads.add(newSettings);
        }

        @Override
        public void writeTables(PrintStream out) {
            calls.add("writeTables");
            out.println("PID\tCOMM\tIP\tSADDR\tDADDR\tRPORT\tCOUNT\tMTBS(s)");
        }

        @Override
        public Map<String, Long> statistics() {
            Map<String, Long> stats = new LinkedHashMap<>();
            stats.put("flows.active", 3L);
            stats.put("flows.exported", 7L);
            return stats;
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private Path config(String content) throws Exception {
        Path file = dir.resolve("flowmon.conf");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void reloadsAGoodConfigurationAndStopsCleanly() throws Exception {
        Path file = config("flowmon.flows.max-flows = 100\n");
        ConfigSource source = new ConfigSource(Optional.of(file), dir.resolve("absent.conf"), ConfigFactory.empty());
        Settings initial = source.load();
        RecordingService service = new RecordingService();
        Signals signals = new Signals();
        String socket = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket);
             SdNotify notify = SdNotify.open(socket)) {
            // A changed file, SIGHUP, then SIGTERM: queued now, handled in order by run().
            Files.writeString(file, "flowmon.flows.max-flows = 200\n");
            signals.post(new Signals.Event(Signals.Request.RELOAD, "HUP"));
            Daemon daemon = new Daemon(source, initial, service, signals, Optional.of(notify), Optional.empty(), null);
            signals.post(new Signals.Event(Signals.Request.STOP, "TERM"));

            assertEquals(0, daemon.run());
            assertEquals(List.of("reload", "close"), service.calls, "no tables as a service without table-file");
            assertEquals(200, service.reloads.get(0).flows().maxFlows());
            assertEquals("READY=1\nSTATUS=running: flows.active=3 flows.exported=7", systemd.poll());
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.poll());
            assertEquals("READY=1\nSTATUS=configuration reloaded", systemd.poll());
            assertEquals("STOPPING=1\nSTATUS=stopping: flushing flows", systemd.poll());
            assertNull(systemd.poll());
        }
    }

    @Test
    void badReloadKeepsTheRunningConfigurationAndSaysWhy() throws Exception {
        Path file = config("flowmon.flows.max-flows = 100\n");
        ConfigSource source = new ConfigSource(Optional.of(file), dir.resolve("absent.conf"), ConfigFactory.empty());
        Settings initial = source.load();
        Files.writeString(file, "flowmon.flows.max-flows = -1\n");
        RecordingService service = new RecordingService();
        Signals signals = new Signals();
        signals.post(new Signals.Event(Signals.Request.RELOAD, "HUP"));
        signals.post(new Signals.Event(Signals.Request.STOP, "INT"));
        String socket = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket);
             SdNotify notify = SdNotify.open(socket)) {
            assertEquals(0, new Daemon(source, initial, service, signals, Optional.of(notify), Optional.empty(), null).run());
            assertEquals(List.of("close"), service.calls);
            systemd.poll();
            systemd.poll();
            assertEquals("READY=1\nSTATUS=reload rejected, keeping the running configuration: " + file
                    + ":1: flowmon.flows.max-flows: expected a whole number from 1 to 16777216, got -1", systemd.poll());
        }
    }

    @Test
    void foregroundPrintsTheTablesAfterClosing() throws Exception {
        ConfigSource source = new ConfigSource(Optional.empty(), dir.resolve("absent.conf"), ConfigFactory.empty());
        RecordingService service = new RecordingService();
        Signals signals = new Signals();
        signals.post(new Signals.Event(Signals.Request.STOP, "INT"));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        assertEquals(0, new Daemon(source, source.load(), service, signals, Optional.empty(), Optional.empty(), out).run());
        assertEquals(List.of("close", "writeTables"), service.calls);
        assertEquals("PID\tCOMM\tIP\tSADDR\tDADDR\tRPORT\tCOUNT\tMTBS(s)\n", stdout.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tableFileGetsTheTables() throws Exception {
        Path tables = dir.resolve("tables.txt");
        CommandLine commandLine = CommandLine.parse("-f", tables.toString());
        ConfigSource source = new ConfigSource(Optional.empty(), dir.resolve("absent.conf"), commandLine.overrides());
        RecordingService service = new RecordingService();
        Signals signals = new Signals();
        signals.post(new Signals.Event(Signals.Request.STOP, "TERM"));
        assertEquals(0, new Daemon(source, source.load(), service, signals, Optional.empty(), Optional.empty(), null).run());
        assertTrue(Files.readString(tables).startsWith("PID\tCOMM"));
    }
}
