package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify datagrams received by a real socket bound here, as systemd would bind it. */
@UnitTest
class SdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void sendsToAFileSystemSocket() throws IOException {
        String path = dir.resolve("notify").toString();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(path);
             SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path)).orElseThrow()) {
            notify.ready("running: flows=0");
            notify.watchdog();
            notify.status("two\nlines");
            notify.reloading();
            notify.stopping();
            assertEquals("READY=1\nSTATUS=running: flows=0", systemd.poll());
            assertEquals("WATCHDOG=1", systemd.poll());
            assertEquals("STATUS=two lines", systemd.poll());
            assertEquals("RELOADING=1\nSTATUS=reloading the configuration", systemd.poll());
            assertEquals("STOPPING=1\nSTATUS=stopping: flushing flows", systemd.poll());
            assertNull(systemd.poll());
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws IOException {
        String name = "@flowmond-test-" + ProcessHandle.current().pid();
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(name);
             SdNotify notify = SdNotify.open(name)) {
            notify.ready("ok");
            assertEquals("READY=1\nSTATUS=ok", systemd.poll());
        }
    }

    @Test
    void sendingWithNobodyListeningIsAnErrorNamingTheSocket() throws IOException {
        String path = dir.resolve("nobody").toString();
        try (SdNotify notify = SdNotify.open(path)) {
            IOException e = assertThrows(IOException.class, notify::watchdog);
            assertEquals("sendto(" + path + ") failed: No such file or directory (errno 2)", e.getMessage());
        }
    }

    @Test
    void absentWithoutNotifySocket() throws IOException {
        assertTrue(SdNotify.fromEnvironment(Map.of()).isEmpty());
    }

    @Test
    void sockaddrUnLayout() throws IOException {
        // sa_family_t AF_UNIX = 1 in host (little-endian) order, then the path and its NUL
        assertArrayEquals(new byte[] {1, 0, '/', 'r', 'u', 'n', 0}, SdNotify.sockaddrUn("/run"));
        // abstract: a leading NUL, the name after '@', no trailing NUL (addrlen gives the length)
        assertArrayEquals(new byte[] {1, 0, 0, 'a', 'b'}, SdNotify.sockaddrUn("@ab"));
        assertEquals("NOTIFY_SOCKET is neither an absolute path nor an abstract name: run/x",
                assertThrows(IOException.class, () -> SdNotify.sockaddrUn("run/x")).getMessage());
        assertEquals("NOTIFY_SOCKET is longer than 107 bytes: /" + "x".repeat(107),
                assertThrows(IOException.class, () -> SdNotify.sockaddrUn("/" + "x".repeat(107))).getMessage());
    }

    @Test
    void watchdogAtHalfTheIntervalForThisProcessOnly() {
        assertEquals(Optional.of(Duration.ofSeconds(15)), SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(Optional.empty(), SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 42));
        assertEquals(Optional.empty(), SdNotify.watchdogInterval(Map.of(), 42));
        assertEquals(Optional.empty(), SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 42));
    }
}
