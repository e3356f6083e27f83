package org.flowmond.bpf.libbpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mounts the pseudo file systems BPF tools expect when the system has not: bpffs at
 * {@code /sys/fs/bpf} (pinning), tracefs at {@code /sys/kernel/tracing} and debugfs at
 * {@code /sys/kernel/debug} (legacy kprobe attach through {@code kprobe_events}). Needs
 * CAP_SYS_ADMIN. Each call says whether it mounted, so whoever mounted may unmount.
 */
public final class BpfFs {
    public static final Path BPF = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    public static final Path DEBUGFS = Path.of("/sys/kernel/debug");
    private static final int MNT_DETACH = 2;

    private BpfFs() {
    }

    /** Mounts bpffs at {@link #BPF} unless it is mounted; true if this call mounted it. */
    public static boolean ensureBpfFs() {
        return ensureMounted("bpf", BPF);
    }

    public static boolean ensureTracefs() {
        return ensureMounted("tracefs", TRACEFS);
    }

    public static boolean ensureDebugfs() {
        return ensureMounted("debugfs", DEBUGFS);
    }

    /** Mounts a file system of {@code type} at {@code mountPoint} unless one is there; true if this call mounted it. */
    public static synchronized boolean ensureMounted(String type, Path mountPoint) {
        if (isMounted(type, mountPoint)) {
            return false;
        }
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create mount point " + mountPoint, e);
        }
        if (Native.LIBC.mount(type, mountPoint.toString(), type, 0, null) < 0) {
            throw new LibBpfException("mount", type + " at " + mountPoint, Native.errno());
        }
        return true;
    }

    /** Whether {@code /proc/self/mounts} lists a file system of {@code type} at {@code mountPoint}. */
    public static boolean isMounted(String type, Path mountPoint) {
        try {
            String target = mountPoint.toAbsolutePath().normalize().toString();
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals(target) && f[2].equals(type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mounts", e);
        }
    }

    /** Lazily unmounts {@code mountPoint} (for a caller that mounted it). */
    public static void unmount(Path mountPoint) {
        if (Native.LIBC.umount2(mountPoint.toString(), MNT_DETACH) < 0) {
            throw new LibBpfException("umount2", mountPoint.toString(), Native.errno());
        }
    }
}
