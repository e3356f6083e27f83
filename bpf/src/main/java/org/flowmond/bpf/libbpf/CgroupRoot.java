package org.flowmond.bpf.libbpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The root of the cgroup v2 hierarchy, where cgroup BPF programs see every process: found in
 * /proc/self/mountinfo (fstype {@code cgroup2}), since it is {@code /sys/fs/cgroup} on unified
 * systems and {@code /sys/fs/cgroup/unified} on hybrid ones (Debian 11, this build machine).
 */
public final class CgroupRoot implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;

    private final String path;
    private int fd;

    private CgroupRoot(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** The cgroup2 mount point from mountinfo lines (field 5 is the mount point; fstype follows " - "). */
    static Optional<String> mountPoint(List<String> mountinfo) {
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4) {
                return Optional.of(before[4].replace("\\040", " "));
            }
        }
        return Optional.empty();
    }

    /**
     * Opens the cgroup v2 root directory.
     *
     * @throws IllegalStateException no cgroup2 file system is mounted (cgroup v1 only)
     * @throws LibBpfException       it cannot be opened
     */
    public static CgroupRoot open() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        String path = mountPoint(lines).orElseThrow(() -> new IllegalStateException(
                "no cgroup2 file system is mounted (cgroup v1 only): the socket-level hooks need one"));
        int fd = Native.LIBC.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            throw new LibBpfException("open", path, Native.errno());
        }
        return new CgroupRoot(path, fd);
    }

    public String path() {
        return path;
    }

    /** The directory's descriptor, for {@link BpfProgram#attachCgroup(int)}. */
    public int fd() {
        if (fd < 0) {
            throw new IllegalStateException("cgroup root " + path + " is closed");
        }
        return fd;
    }

    /** Closes the descriptor; programs attached through it stay attached (their links hold the cgroup). */
    @Override
    public void close() {
        if (fd >= 0) {
            Native.LIBC.close(fd);
            fd = -1;
        }
    }
}
