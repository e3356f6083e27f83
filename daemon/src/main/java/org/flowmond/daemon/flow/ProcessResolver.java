package org.flowmond.daemon.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketOwner;

/**
 * Turns the process fields of a {@link SocketEvent} or a {@link SocketOwner} into a
 * {@link ProcessInfo}: the user name from /etc/passwd and the cgroup path from
 * {@code /proc/PID/cgroup} (read when the process is first seen; a process that has already
 * exited keeps only its numeric cgroup id).
 */
public final class ProcessResolver {
    /** docker-&lt;id&gt;.scope, cri-containerd-&lt;id&gt;.scope, libpod-&lt;id&gt;.scope, /docker/&lt;id&gt; ... */
    private static final Pattern CONTAINER_ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?(?:/|$)");

    private static final int PROCESS_CACHE = 4096;

    private final UserNames users;
    private final Path procRoot;
    /**
     * pid → the ProcessInfo last built for it. A busy process connects often: when the event
     * names the same process again (same cgroup id, comm, parent, uid and user name), the same
     * ProcessInfo is returned — no allocation, no /proc read, no container-id match. A reused
     * pid or a move to another cgroup differs in one of those fields and is resolved again.
     */
    private final LinkedHashMap<Integer, ProcessInfo> processes = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ProcessInfo> eldest) {
            return size() > PROCESS_CACHE;
        }
    };

    public ProcessResolver(UserNames users, Path procRoot) {
        this.users = users;
        this.procRoot = procRoot;
    }

    public static ProcessResolver system() {
        return new ProcessResolver(UserNames.system(), Path.of("/proc"));
    }

    /** The process of a connect or accept event. */
    public ProcessInfo resolve(SocketEvent e) {
        return resolve(e.pid(), e.comm(), e.uid(), e.ppid(), e.parentComm(), e.cgroupId());
    }

    /** The owner of a socket, as the kernel stamped it on a flow. */
    public ProcessInfo resolve(SocketOwner o) {
        return resolve(o.pid(), o.command(), o.uid(), o.ppid(), o.parentCommand(), o.cgroupId());
    }

    private synchronized ProcessInfo resolve(int pid, String comm, int uid, int ppid, String parentComm, long cgroupId) {
        String user = users.nameOf(uid);
        ProcessInfo last = processes.get(pid);
        // the cgroup path is read once per pid and cgroup id (moved, or pid reused: read again);
        // an empty path (process already gone) is retried at the next event
        boolean sameCgroup = last != null && last.cgroupId() == cgroupId && !last.cgroupPath().isEmpty();
        if (sameCgroup && last.uid() == uid && last.parentPid() == ppid && last.name().equals(comm)
                && last.parentName().equals(parentComm) && last.userName().equals(user)) {
            return last;
        }
        String cgroup = sameCgroup ? last.cgroupPath() : cgroupPath(pid);
        String container = sameCgroup ? last.containerId() : containerId(cgroup);
        ProcessInfo p = new ProcessInfo(pid, comm, uid, user, ppid, parentComm, cgroupId, cgroup, container);
        processes.put(pid, p);
        return p;
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
