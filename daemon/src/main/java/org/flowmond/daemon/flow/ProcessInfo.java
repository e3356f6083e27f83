package org.flowmond.daemon.flow;

import org.flowmond.daemon.container.ContainerIdentity;

/**
 * The process on one side of a connection: what ntop's SRC_/DST_PROC_* elements carry (the
 * exporter's own {@link org.flowmond.ipfix.ProcessInfo}, kept as it is sent) and what only this
 * host adds for the other outputs (cgroup path, container).
 *
 * @param exported   pid, command name, uid, user name, parent pid and name, cgroup v2 id, as exported
 * @param cgroupPath cgroup v2 path from /proc/PID/cgroup, "" if the process was already gone
 * @param container  the container, machine or systemd unit the cgroup belongs to (never null;
 *                   {@link ContainerIdentity#unknown()} when nothing is known)
 * @param netns      inode of the network namespace the process's socket lives in, 0 if not known
 */
public record ProcessInfo(org.flowmond.ipfix.ProcessInfo exported, String cgroupPath, ContainerIdentity container,
                          long netns) {

    /**
     * @param pid        process id (tgid)
     * @param name       command name (up to 15 characters)
     * @param uid        real user id
     * @param userName   user name from /etc/passwd, or the uid in decimal when it has none
     * @param parentPid  parent process id
     * @param parentName parent command name
     * @param cgroupId   cgroup v2 id (inode of the cgroup directory)
     */
    public ProcessInfo(int pid, String name, int uid, String userName, int parentPid, String parentName,
                       long cgroupId, String cgroupPath, ContainerIdentity container) {
        this(pid, name, uid, userName, parentPid, parentName, cgroupId, cgroupPath, container, 0);
    }

    /** @param netns inode of the socket's network namespace, 0 if not known */
    public ProcessInfo(int pid, String name, int uid, String userName, int parentPid, String parentName,
                       long cgroupId, String cgroupPath, ContainerIdentity container, long netns) {
        this(new org.flowmond.ipfix.ProcessInfo(Integer.toUnsignedLong(pid), name, Integer.toUnsignedLong(uid),
                userName, Integer.toUnsignedLong(parentPid), parentName, cgroupId), cgroupPath, container, netns);
    }

    public int pid() {
        return (int) exported.pid();
    }

    public String name() {
        return exported.name();
    }

    public int uid() {
        return (int) exported.uid();
    }

    public String userName() {
        return exported.userName();
    }

    public int parentPid() {
        return (int) exported.parentPid();
    }

    public String parentName() {
        return exported.parentName();
    }

    public long cgroupId() {
        return exported.cgroupId();
    }

    /** The container's ID as its runtime reports it (the machine name for machined), or "". */
    public String containerId() {
        return container.id();
    }
}
