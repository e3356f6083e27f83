package org.flowmond.daemon.flow;

import org.flowmond.daemon.container.ContainerIdentity;

/**
 * The process on one side of a connection, as exported in ntop's SRC_/DST_PROC_* elements.
 *
 * @param pid         process id (tgid)
 * @param name        command name (up to 15 characters)
 * @param uid         real user id
 * @param userName    user name from /etc/passwd, or the uid in decimal when it has none
 * @param parentPid   parent process id
 * @param parentName  parent command name
 * @param cgroupId    cgroup v2 id (inode of the cgroup directory)
 * @param cgroupPath  cgroup v2 path from /proc/PID/cgroup, "" if the process was already gone
 * @param container   the container, machine or systemd unit the cgroup belongs to (never null;
 *                    {@link ContainerIdentity#unknown()} when nothing is known)
 */
public record ProcessInfo(int pid, String name, int uid, String userName, int parentPid, String parentName,
                          long cgroupId, String cgroupPath, ContainerIdentity container) {

    /** The container's ID as its runtime reports it (the machine name for machined), or "". */
    public String containerId() {
        return container.id();
    }
}
