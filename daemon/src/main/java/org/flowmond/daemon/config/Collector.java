package org.flowmond.daemon.config;

import java.net.InetSocketAddress;

/**
 * One IPFIX collector of {@code flowmon.export.collectors}.
 *
 * @param host      an IP address literal (IPv6 without brackets) or a DNS name, checked for syntax
 * @param port      1 .. 65535
 * @param transport how it is reached: UDP, TCP, or TLS over TCP (RFC 7011 sections 10 and 11)
 */
public record Collector(String host, int port, Transport transport) {

    /** {@code transport} of a collector, written in lower case in the configuration. */
    public enum Transport {
        UDP, TCP, TLS
    }

    public Collector {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (transport == null) {
            throw new IllegalArgumentException("no transport");
        }
    }

    /** A UDP collector. */
    public Collector(String host, int port) {
        this(host, port, Transport.UDP);
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
