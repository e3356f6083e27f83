package org.flowmond.bpf.api;

import java.util.Objects;

/**
 * The process that owns a socket ({@code struct sock_owner} in flowmon.h), as the kernel stamped
 * it into a flow's entry: the process that connected, accepted, sent or received on it, or held
 * it at start-up.
 *
 * @param pid           process id (tgid)
 * @param uid           real user id
 * @param ppid          parent's process id
 * @param cgroupId      cgroup v2 id
 * @param command       the process's command name (up to 15 characters)
 * @param parentCommand the parent's command name
 * @param method        how the kernel learnt the owner
 * @param netns         inode of the network namespace the socket lives in; 0 if unknown
 */
public record SocketOwner(int pid, int uid, int ppid, long cgroupId, String command, String parentCommand,
                          OwnerMethod method, long netns) {
    public SocketOwner {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(parentCommand, "parentCommand");
        Objects.requireNonNull(method, "method");
    }

    /** An owner whose socket's namespace is not known. */
    public SocketOwner(int pid, int uid, int ppid, long cgroupId, String command, String parentCommand,
                       OwnerMethod method) {
        this(pid, uid, ppid, cgroupId, command, parentCommand, method, 0);
    }
}
