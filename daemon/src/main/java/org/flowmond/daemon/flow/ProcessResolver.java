package org.flowmond.daemon.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.daemon.container.CgroupLayouts;
import org.flowmond.daemon.container.CgroupTree;
import org.flowmond.daemon.container.ContainerIdentity;
import org.flowmond.daemon.container.ContainerResolver;
import org.slf4j.LoggerFactory;

/**
 * Turns the process fields of a {@link SocketEvent} or a {@link SocketOwner} into a
 * {@link ProcessInfo}: the user name from /etc/passwd and the cgroup path from
 * {@code /proc/PID/cgroup} (read when the process is first seen; a process that has already
 * exited keeps only its numeric cgroup id).
 */
public final class ProcessResolver {
    private static final int PROCESS_CACHE = 4096;
    private static final int CONTAINER_CACHE = 4096;
    private static final int CGROUP_WALK_LIMIT = 100_000;
    private static final java.time.Duration CGROUP_REWALK = java.time.Duration.ofSeconds(10);

    private final UserNames users;
    private final Path procRoot;
    /** For a process gone before /proc was read: its cgroup found by id (null: not looked up). */
    private final ContainerResolver containers;
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

    /**
     * The process resolved last, when its user name is final until the passwd file is read again
     * (its uid has an entry), and the file's read count then: the next event of the same process
     * (same fields) is answered from here, before any map or user-name look-up.
     */
    private ProcessInfo latest;
    private int latestUsersGeneration;

    public ProcessResolver(UserNames users, Path procRoot) {
        this(users, procRoot, null);
    }

    public ProcessResolver(UserNames users, Path procRoot, ContainerResolver containers) {
        this.users = users;
        this.procRoot = procRoot;
        this.containers = containers;
    }

    public static ProcessResolver system() {
        return new ProcessResolver(UserNames.system(), Path.of("/proc"), systemContainers());
    }

    /** The cgroup walk behind {@link #containers}, or null on a host without cgroup v2 (logged). */
    private static ContainerResolver systemContainers() {
        try {
            return new ContainerResolver(CgroupTree.system(), CONTAINER_CACHE, CGROUP_WALK_LIMIT, CGROUP_REWALK,
                    System::nanoTime);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ProcessResolver.class).info("no cgroup v2 hierarchy to walk ({}): a process gone "
                    + "before its /proc entry was read keeps only its cgroup id, no container", e.getMessage());
            return null;
        }
    }

    /** The container resolver's counters; empty without one (no cgroup v2 hierarchy, or none given). */
    public java.util.Optional<org.flowmond.daemon.container.ResolverStatistics> containerStatistics() {
        return containers == null ? java.util.Optional.empty() : java.util.Optional.of(containers.statistics());
    }

    /** The process of a connect or accept event. */
    public ProcessInfo resolve(SocketEvent e) {
        return resolve(e.pid(), e.comm(), e.uid(), e.ppid(), e.parentComm(), e.cgroupId(), e.netnsInode());
    }

    /** The owner of a socket, as the kernel stamped it on a flow. */
    public ProcessInfo resolve(SocketOwner o) {
        return resolve(o.pid(), o.command(), o.uid(), o.ppid(), o.parentCommand(), o.cgroupId(), o.netns());
    }

    private synchronized ProcessInfo resolve(int pid, String comm, int uid, int ppid, String parentComm, long cgroupId,
                                             long netns) {
        ProcessInfo p = latest;
        if (p != null && p.pid() == pid && p.cgroupId() == cgroupId && p.uid() == uid && p.parentPid() == ppid
                && p.netns() == netns && !p.cgroupPath().isEmpty() && same(p.name(), comm) && same(p.parentName(), parentComm)
                && latestUsersGeneration == users.generation()) {
            return p; // what the map would answer: this pid is its most recently used entry
        }
        p = resolveInMap(pid, comm, uid, ppid, parentComm, cgroupId, netns);
        if (users.knows(uid)) {
            latest = p;
            latestUsersGeneration = users.generation();
        } else {
            latest = null; // a uid without name looks at the passwd file at every event
        }
        return p;
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }

    private ProcessInfo resolveInMap(int pid, String comm, int uid, int ppid, String parentComm, long cgroupId,
                                     long netns) {
        String user = users.nameOf(uid);
        ProcessInfo last = processes.get(pid);
        // the cgroup path is read once per pid and cgroup id (moved, or pid reused: read again);
        // an empty path (process already gone) is retried at the next event
        boolean sameCgroup = last != null && last.cgroupId() == cgroupId && !last.cgroupPath().isEmpty();
        if (sameCgroup && last.uid() == uid && last.parentPid() == ppid && last.name().equals(comm)
                && last.parentName().equals(parentComm) && last.userName().equals(user) && last.netns() == netns) {
            return last;
        }
        String cgroup = sameCgroup ? last.cgroupPath() : cgroupPath(pid);
        ContainerIdentity container = sameCgroup ? last.container() : identify(cgroup, cgroupId, pid);
        if (cgroup.isEmpty()) {
            cgroup = container.cgroupPath(); // found by id, the process being gone
        }
        ProcessInfo p = new ProcessInfo(pid, comm, uid, user, ppid, parentComm, cgroupId, cgroup, container, netns);
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

    /**
     * From the path when /proc gave one, else by cgroup id (cached per cgroup in the resolver), telling
     * the resolver which process was seen in it: a process that has just exited gets a sooner walk.
     */
    private ContainerIdentity identify(String cgroupPath, long cgroupId, int pid) {
        if (!cgroupPath.isEmpty()) {
            return CgroupLayouts.identify(cgroupPath);
        }
        return containers != null && cgroupId != 0 ? containers.resolve(cgroupId, pid) : ContainerIdentity.unknown();
    }
}
