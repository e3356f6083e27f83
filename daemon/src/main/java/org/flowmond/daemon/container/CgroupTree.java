package org.flowmond.daemon.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
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
     * left out.
     */
    public Scan scan(int limit) {
        Map<Long, String> paths = new HashMap<>();
        boolean[] truncated = {false};
        try {
            Files.walkFileTree(mount, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (paths.size() >= limit) {
                        truncated[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    try {
                        paths.put(inode(dir), "/" + mount.relativize(dir).toString());
                        return FileVisitResult.CONTINUE;
                    } catch (NoSuchFileException removed) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;   // removed while we walked
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + mount, e);
        }
        return new Scan(paths, truncated[0]);
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
