package org.flowmond.ipfix;

import java.util.Objects;
import java.util.Optional;

/**
 * A collector to send IPFIX to: an IPv4 or IPv6 literal or a host name, a port, and the transport.
 *
 * @param host          IPv4 or IPv6 literal (without brackets) or host name
 * @param port          1..65535 (4739 is IPFIX's over UDP and TCP, 4740 over TLS)
 * @param transport     UDP, TCP or TLS
 * @param tls           the PEM files; present exactly when the transport is TLS
 * @param bufferMessages TCP/TLS only: messages kept for the collector while it is not connected
 *                      or has not acknowledged them (beyond that new messages are dropped and
 *                      counted); 0 for UDP
 */
public record Collector(String host, int port, Transport transport, Optional<TlsFiles> tls, int bufferMessages) {

    public Collector {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(tls, "tls");
        if (host.isBlank()) {
            throw new IllegalArgumentException("collector host is empty");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("collector port must be 1..65535: " + port);
        }
        if (tls.isPresent() != (transport == Transport.TLS)) {
            throw new IllegalArgumentException("TLS files are needed for, and only for, a TLS collector: " + host);
        }
        if (transport.isStream() ? bufferMessages < 1 : bufferMessages != 0) {
            throw new IllegalArgumentException("a TCP/TLS collector needs a buffer of >= 1 message, a UDP one none: "
                    + bufferMessages);
        }
    }

    /** A UDP collector. */
    public Collector(String host, int port) {
        this(host, port, Transport.UDP, Optional.empty(), 0);
    }

    /** A TCP collector keeping up to {@code bufferMessages} messages across reconnects. */
    public static Collector tcp(String host, int port, int bufferMessages) {
        return new Collector(host, port, Transport.TCP, Optional.empty(), bufferMessages);
    }

    /** A TLS collector keeping up to {@code bufferMessages} messages across reconnects. */
    public static Collector tls(String host, int port, TlsFiles files, int bufferMessages) {
        return new Collector(host, port, Transport.TLS, Optional.of(files), bufferMessages);
    }

    /** Parses "host:port", "a.b.c.d:port" or "[v6]:port" (UDP). */
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
