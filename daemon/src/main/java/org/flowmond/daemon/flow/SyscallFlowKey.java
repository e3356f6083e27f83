package org.flowmond.daemon.flow;

import java.net.InetAddress;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;

/**
 * Key of a syscall flow, as in the seed tool: process, command, IP version, the connection's
 * source and destination address (client → server) and one port — the remote (server) port
 * for connect, the local (server) port for accept. Repeated connects of one process to one
 * service, or repeated accepts from one client address, are one flow. The IP version is that
 * of the addresses on the wire (an IPv4-mapped IPv6 socket address counts as IPv4).
 *
 * @param kind CONNECT or ACCEPT
 */
public record SyscallFlowKey(SocketEventKind kind, int pid, String comm, int ipVersion,
                             InetAddress srcAddress, InetAddress dstAddress, int port) {

    public SyscallFlowKey {
        if (kind == SocketEventKind.EXISTING) {
            throw new IllegalArgumentException("a socket found at start-up is not a syscall");
        }
        srcAddress = Endpoint.canonical(srcAddress);
        dstAddress = Endpoint.canonical(dstAddress);
        // an IPv6 socket talking to an IPv4 peer (::ffff:a.b.c.d) is IPv4 on the wire
        ipVersion = srcAddress instanceof java.net.Inet4Address ? 4 : 6;
    }

    /** The key of a connect or accept event. */
    public static SyscallFlowKey of(SocketEvent e) {
        return e.kind() == SocketEventKind.CONNECT
                ? new SyscallFlowKey(e.kind(), e.pid(), e.comm(), e.ipVersion(), e.localAddress(), e.remoteAddress(),
                        e.remotePort())
                : new SyscallFlowKey(e.kind(), e.pid(), e.comm(), e.ipVersion(), e.remoteAddress(), e.localAddress(),
                        e.localPort());
    }
}
