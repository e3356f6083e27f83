package org.flowmond.daemon.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.bpf.api.SocketEvent;

/**
 * Turns the process fields of a {@link SocketEvent} into a {@link ProcessInfo}: the user name
 * from /etc/passwd and the cgroup path from {@code /proc/PID/cgroup} (read while the event is
 * fresh; a process that has already exited keeps only its numeric cgroup id).
 */
public final class ProcessResolver {
    /** docker-&lt;id&gt;.scope, cri-containerd-&lt;id&gt;.scope, libpod-&lt;id&gt;.scope, /docker/&lt;id&gt; ... */
    private static final Pattern CONTAINER_ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?(?:/|$)");

    private static final int CGROUP_CACHE = 4096;

    private final UserNames users;
    private final Path procRoot;
    /** pid → (cgroup id, path): a busy process connects often; its cgroup file is read once per cgroup id. */
    private final java.util.LinkedHashMap<Integer, CachedCgroup> cgroups = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, CachedCgroup> eldest) {
            return size() > CGROUP_CACHE;
        }
    };

    private record CachedCgroup(long cgroupId, String path) {
    }

    public ProcessResolver(UserNames users, Path procRoot) {
        this.users = users;
        this.procRoot = procRoot;
    }

    public static ProcessResolver system() {
        return new ProcessResolver(UserNames.system(), Path.of("/proc"));
    }

    public ProcessInfo resolve(SocketEvent e) {
        String cgroup = cachedCgroupPath(e.pid(), e.cgroupId());
        return new ProcessInfo(e.pid(), e.comm(), e.uid(), users.nameOf(e.uid()), e.ppid(), e.parentComm(),
                e.cgroupId(), cgroup, containerId(cgroup));
    }

    /** The path for this pid and cgroup id, from the cache unless the id changed (moved, or pid reused). */
    private String cachedCgroupPath(int pid, long cgroupId) {
        synchronized (cgroups) {
            CachedCgroup c = cgroups.get(pid);
            if (c != null && c.cgroupId() == cgroupId && !c.path().isEmpty()) {
                return c.path();
            }
        }
        String path = cgroupPath(pid);
        synchronized (cgroups) {
            cgroups.put(pid, new CachedCgroup(cgroupId, path));
        }
        return path;
    }

    /** The cgroup v2 line {@code 0::/path} of /proc/PID/cgroup, or "" if unreadable. */
    String cgroupPath(int pid) {
        try {
            for (String line : Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("0::")) {
                    return line.substring(3);
                }
            }
        } catch (IOException e) {
            // the process exited before we looked: keep the numeric cgroup id only
        }
        return "";
    }

    static String containerId(String cgroupPath) {
        Matcher m = CONTAINER_ID.matcher(cgroupPath);
        return m.find() ? m.group(1) : "";
    }
}
