package org.flowmond.daemon.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * {@code flowmon.metrics.*}.
 *
 * @param listen where the Prometheus endpoint listens; empty = no endpoint
 */
public record MetricsSettings(Optional<Listen> listen) {

    public static final MetricsSettings OFF = new MetricsSettings(Optional.empty());

    /**
     * One address and TCP port to listen on.
     *
     * @param host an IP address literal (IPv6 without brackets) or a name, checked for syntax only
     * @param port 1 .. 65535
     */
    public record Listen(String host, int port) {

        public Listen {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("empty host");
            }
        }

        /** Resolves the host now (at each start or reload of the endpoint). */
        public InetSocketAddress resolve() {
            return new InetSocketAddress(host, port);
        }

        /** {@code host:port}, or {@code [v6]:port}, as written in the configuration. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
