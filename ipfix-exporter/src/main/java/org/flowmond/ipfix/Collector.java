package org.flowmond.ipfix;

import java.util.Objects;

/**
 * A collector to send IPFIX to over UDP: an IPv4 or IPv6 literal or a host name, and a port.
 *
 * @param host IPv4 or IPv6 literal (without brackets) or host name
 * @param port UDP port, 1..65535 (4739 is IPFIX's)
 */
public record Collector(String host, int port) {

    public Collector {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("collector host is empty");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("collector port must be 1..65535: " + port);
        }
    }

    /** Parses "host:port", "a.b.c.d:port" or "[v6]:port". */
    public static Collector parse(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("collector must be host:port or [ipv6]:port: " + hostAndPort);
        }
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write an IPv6 collector as [address]:port: " + hostAndPort);
        }
        try {
            return new Collector(host, Integer.parseInt(hostAndPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("collector port is not a number: " + hostAndPort, e);
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
