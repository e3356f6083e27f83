package org.flowmond.bpf.api;

import java.net.InetAddress;

/**
 * One TCP connect or accept by a process ({@code struct sock_event} in flowmon.h), seen from
 * the local side: "local" is this host's end of the connection.
 *
 * @param kind            connect, accept, or found at start-up
 * @param timestampNanos  time of the call on the decoding {@link KernelClock}'s scale: wall-clock
 *                        nanoseconds since the epoch, or CLOCK_MONOTONIC for {@link KernelClock#monotonic()}
 * @param pid             process id (tgid), never the thread id
 * @param tid             thread id
 * @param uid             real user id
 * @param gid             real group id
 * @param ppid            parent process id
 * @param comm            process command name (up to 15 characters)
 * @param parentComm      parent's command name
 * @param cgroupId        cgroup v2 id
 * @param netnsInode      network namespace inode number
 * @param ipVersion       4 or 6
 * @param localAddress    local address
 * @param localPort       local port
 * @param remoteAddress   remote address
 * @param remotePort      remote port
 * @param outcome         how a connect ended (socket-level hooks see it), {@link ConnectOutcome#NONE}
 *                        for accepts, existing sockets and variants that report the SYN being sent
 */
public record SocketEvent(SocketEventKind kind, long timestampNanos, int pid, int tid, int uid, int gid,
                          int ppid, String comm, String parentComm, long cgroupId, long netnsInode,
                          int ipVersion, InetAddress localAddress, int localPort,
                          InetAddress remoteAddress, int remotePort, ConnectOutcome outcome) {

    public SocketEvent {
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    /** An event without a connect outcome ({@link ConnectOutcome#NONE}). */
    public SocketEvent(SocketEventKind kind, long timestampNanos, int pid, int tid, int uid, int gid,
                       int ppid, String comm, String parentComm, long cgroupId, long netnsInode,
                       int ipVersion, InetAddress localAddress, int localPort,
                       InetAddress remoteAddress, int remotePort) {
        this(kind, timestampNanos, pid, tid, uid, gid, ppid, comm, parentComm, cgroupId, netnsInode,
                ipVersion, localAddress, localPort, remoteAddress, remotePort, ConnectOutcome.NONE);
    }
}
