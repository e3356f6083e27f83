package org.flowmond.daemon.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cgroup v2 hierarchy on disk. A cgroup's id (what {@code bpf_get_current_cgroup_id()} returns)
 * is the inode number of its directory in the cgroup2 file system (kernfs: on 64-bit kernels the
 * node id is the inode number), so a path is found by a {@code stat}: of the one directory
 * /proc/PID/cgroup names, when the process is known and still there, or of every directory in
 * one walk of the tree.
 */
public final class CgroupTree {
    private final Path mount;
    private final Path procRoot;

    public CgroupTree(Path mount, Path procRoot) {
        this.mount = mount;
        this.procRoot = procRoot;
    }

    /** The cgroup2 mount of this system (/sys/fs/cgroup, or /sys/fs/cgroup/unified in the hybrid layout). */
    public static CgroupTree system() {
        return new CgroupTree(findCgroup2Mount(Path.of("/proc/self/mountinfo")), Path.of("/proc"));
    }

    public Path mount() {
        return mount;
    }

    /** The mount point of the first cgroup2 file system in a mountinfo file (proc(5)). */
    static Path findCgroup2Mount(Path mountinfo) {
        try {
            for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] after = line.substring(dash + 3).split(" ");
                if (after.length > 0 && "cgroup2".equals(after[0])) {
                    return Path.of(unescapeMountinfo(line.substring(0, dash).split(" ")[4]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountinfo, e);
        }
        throw new IllegalStateException("no cgroup2 file system is mounted (" + mountinfo + " lists none)");
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescapeMountinfo(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** The id of the cgroup at {@code path} (relative to the mount, starting with "/"): its inode. */
    public long idOf(String path) throws IOException {
        return inode(mount.resolve(path.substring(1)));
    }

    /**
     * The cgroup path of process {@code pid} if it is still in the cgroup {@code cgroupId}: read from
     * the "0::" line of /proc/PID/cgroup and checked by the directory's inode (the process may have
     * exited, its pid may be reused, it may have moved).
     */
    public Optional<String> pathOfProcess(int pid, long cgroupId) {
        try {
            for (String line : Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("0::/")) {
                    String path = line.substring(3);
                    return idOf(path) == cgroupId ? Optional.of(path) : Optional.empty();
                }
            }
        } catch (IOException e) {
            // gone (or moved, and its old cgroup removed) before we looked
        }
        return Optional.empty();
    }

    /**
     * Every cgroup in the tree, id → path, at most {@code limit} of them (a walk that reaches the
     * limit stops and says so in {@link Scan#truncated()}). Cgroups removed during the walk are
     * left out. A directory's link count is 2 plus its subdirectories (kernfs keeps it so), so a
     * leaf cgroup, the common case, is not listed: only cgroups with children have their dozens
     * of control files looked at.
     */
    public Scan scan(int limit) {
        Map<Long, String> paths = new HashMap<>();
        Deque<Path> pending = new ArrayDeque<>(List.of(mount));
        boolean truncated = false;
        while (!pending.isEmpty()) {
            if (paths.size() >= limit) {
                truncated = true;
                break;
            }
            Path dir = pending.pop();
            Map<String, Object> attrs;
            try {
                attrs = Files.readAttributes(dir, "unix:ino,nlink", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException removed) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stat " + dir, e);
            }
            paths.put(((Number) attrs.get("ino")).longValue(), "/" + mount.relativize(dir));
            if (((Number) attrs.get("nlink")).intValue() != 2) {
                subdirectories(dir, pending);
            }
        }
        return new Scan(paths, truncated);
    }

    private static void subdirectories(Path dir, Deque<Path> into) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    into.push(entry);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException removed) {
            // removed while we walked
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** One walk's result: cgroup id → path. */
    public record Scan(Map<Long, String> paths, boolean truncated) {
        public Scan {
            paths = Map.copyOf(paths);
        }

        public Optional<String> pathOf(long cgroupId) {
            return Optional.ofNullable(paths.get(cgroupId));
        }

        public static Scan empty() {
            return new Scan(Map.of(), false);
        }
    }

    static long inode(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
