package org.flowmond.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * The sd_notify(3) protocol: one datagram per state change ("READY=1", "STOPPING=1",
 * "WATCHDOG=1", "STATUS=...") to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}; a name
 * starting with '@' is in the abstract namespace. Absent when not started by systemd.
 */
public final class SdNotify implements AutoCloseable {

    /** sizeof(struct sockaddr_un.sun_path). */
    private static final int SUN_PATH_MAX = 108;

    private static final class Lib {
        static final NotifyLibC C = LibraryLoader.create(NotifyLibC.class)
                .option(LibraryOption.LoadNow, true)
                .option(LibraryOption.SaveError, true)
                .failImmediately()
                .load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(C);
    }

    private final String socketName;
    private final byte[] address;
    private final int fd;

    private SdNotify(String socketName, byte[] address, int fd) {
        this.socketName = socketName;
        this.address = address;
        this.fd = fd;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, or empty when the variable is unset (not under systemd). */
    public static Optional<SdNotify> fromEnvironment(Map<String, String> env) throws IOException {
        String name = env.get("NOTIFY_SOCKET");
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open(name));
    }

    /** Opens a datagram socket for sending to {@code socketName} ("/run/..." or "@abstract"). */
    public static SdNotify open(String socketName) throws IOException {
        byte[] address = sockaddrUn(socketName);
        int fd = Lib.C.socket(NotifyLibC.AF_UNIX, NotifyLibC.SOCK_DGRAM | NotifyLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_UNIX, SOCK_DGRAM)");
        }
        return new SdNotify(socketName, address, fd);
    }

    /**
     * struct sockaddr_un: sa_family_t (2 bytes, host order) then sun_path. A path is
     * NUL-terminated; an abstract name starts with NUL and its length is given by addrlen alone.
     */
    static byte[] sockaddrUn(String socketName) throws IOException {
        boolean abstractName = socketName.startsWith("@");
        byte[] name = (abstractName ? socketName.substring(1) : socketName).getBytes(StandardCharsets.UTF_8);
        if (!abstractName && !socketName.startsWith("/")) {
            throw new IOException("NOTIFY_SOCKET is neither an absolute path nor an abstract name: " + socketName);
        }
        if (name.length + 1 > SUN_PATH_MAX) {
            throw new IOException("NOTIFY_SOCKET is longer than " + (SUN_PATH_MAX - 1) + " bytes: " + socketName);
        }
        ByteBuffer buffer = ByteBuffer.allocate(2 + 1 + name.length).order(ByteOrder.nativeOrder());
        buffer.putShort((short) NotifyLibC.AF_UNIX);
        if (abstractName) {
            buffer.put((byte) 0).put(name);
        } else {
            buffer.put(name).put((byte) 0);
        }
        return buffer.array();
    }

    /** Sends one notification, e.g. "READY=1\nSTATUS=running". */
    public void send(String state) throws IOException {
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        long sent = Lib.C.sendto(fd, message, message.length, NotifyLibC.MSG_NOSIGNAL, address, address.length);
        if (sent < 0) {
            throw failure("sendto(" + socketName + ")");
        }
    }

    public void ready(String status) throws IOException {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** Before a reload; READY=1 follows when it is done. */
    public void reloading() throws IOException {
        send("RELOADING=1\nSTATUS=reloading the configuration");
    }

    public void stopping() throws IOException {
        send("STOPPING=1\nSTATUS=stopping: flushing flows");
    }

    public void watchdog() throws IOException {
        send("WATCHDOG=1");
    }

    public void status(String status) throws IOException {
        send("STATUS=" + oneLine(status));
    }

    /**
     * Half of {@code $WATCHDOG_USEC}, as sd_watchdog_enabled(3) advises, when the watchdog is on
     * for this process ({@code $WATCHDOG_PID} unset or ours).
     */
    public static Optional<Duration> watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec == null || (watchdogPid != null && !watchdogPid.equals(Long.toString(pid)))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000 / 2)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }

    private static IOException failure(String operation) {
        int errno = LastError.getLastError(Lib.RUNTIME);
        return new IOException(operation + " failed: " + Lib.C.strerror(errno) + " (errno " + errno + ")");
    }

    @Override
    public void close() {
        Lib.C.close(fd);
    }

    @Override
    public String toString() {
        return "sd_notify to " + socketName;
    }
}
