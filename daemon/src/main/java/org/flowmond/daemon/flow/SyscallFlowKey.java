package org.flowmond.daemon.flow;

import java.net.InetAddress;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;

/**
 * Key of a syscall flow, as in the seed tool: process, command, IP version, the connection's
 * source and destination address (client → server) and one port — the remote (server) port
 * for connect, the local (server) port for accept — plus, for connect, its outcome. Repeated
 * connects of one process to one service with the same outcome, or repeated accepts from one
 * client address, are one flow: a client hammering a dead service is one flow of refused
 * connects with its count and MTBS, next to the flow of its successful ones. The IP version is
 * that of the addresses on the wire (an IPv4-mapped IPv6 socket address counts as IPv4).
 *
 * @param kind    CONNECT or ACCEPT
 * @param outcome how the connects ended; {@link ConnectOutcome#NONE} for accept, and for probe
 *                variants that report a connect when its SYN is sent
 */
public record SyscallFlowKey(SocketEventKind kind, int pid, String comm, int ipVersion,
                             InetAddress srcAddress, InetAddress dstAddress, int port, ConnectOutcome outcome) {

    public SyscallFlowKey {
        if (kind == SocketEventKind.EXISTING) {
            throw new IllegalArgumentException("a socket found at start-up is not a syscall");
        }
        srcAddress = Endpoint.canonical(srcAddress);
        dstAddress = Endpoint.canonical(dstAddress);
        // an IPv6 socket talking to an IPv4 peer (::ffff:a.b.c.d) is IPv4 on the wire
        ipVersion = srcAddress instanceof java.net.Inet4Address ? 4 : 6;
        if (kind == SocketEventKind.ACCEPT) {
            outcome = ConnectOutcome.NONE; // an accepted connection is established by definition
        }
    }

    /** The key of a connect or accept event. */
    public static SyscallFlowKey of(SocketEvent e) {
        return e.kind() == SocketEventKind.CONNECT
                ? new SyscallFlowKey(e.kind(), e.pid(), e.comm(), e.ipVersion(), e.localAddress(), e.remoteAddress(),
                        e.remotePort(), e.outcome())
                : new SyscallFlowKey(e.kind(), e.pid(), e.comm(), e.ipVersion(), e.remoteAddress(), e.localAddress(),
                        e.localPort(), ConnectOutcome.NONE);
    }
}
