package org.flowmond.daemon.config;

import java.net.InetSocketAddress;

/**
 * One IPFIX collector of {@code flowmon.export.collectors}, reached over UDP.
 *
 * @param host an IP address literal (IPv6 without brackets) or a DNS name, checked for syntax
 * @param port UDP port, 1 .. 65535
 */
public record Collector(String host, int port) {

    public Collector {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
    }

    /** Resolves the host now (a DNS name may resolve differently later; resolve at each (re)start). */
    public InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    /** {@code host:port}, or {@code [v6]:port} for IPv6 literals. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
