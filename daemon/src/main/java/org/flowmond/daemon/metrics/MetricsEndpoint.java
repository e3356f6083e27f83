package org.flowmond.daemon.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.flowmond.daemon.config.MetricsSettings;
import org.flowmond.daemon.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint ({@code flowmon.metrics.listen}): http://HOST:PORT/metrics serves the
 * daemon's statistics ({@link StatisticsCollector}) with the JVM's memory, garbage collection and
 * thread metrics and the process metrics (CPU, memory, file descriptors) of the Prometheus Java
 * client. One thread serves the requests, so scrapes never run side by side. A reload reopens
 * the listener only when {@code flowmon.metrics} changed; a new address that cannot be bound
 * keeps the old listener and fails the reload.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final Supplier<Map<String, Long>> statistics;
    private final String version;
    private volatile Settings settings;
    /** Made with the first listener: without an endpoint, start-up loads none of it (JMX beans included). */
    private PrometheusRegistry registry;
    private HTTPServer server;

    private MetricsEndpoint(Settings settings, Supplier<Map<String, Long>> statistics, String version) {
        this.settings = settings;
        this.statistics = statistics;
        this.version = version;
    }

    private PrometheusRegistry registry() {
        if (registry == null) {
            PrometheusRegistry r = new PrometheusRegistry();
            r.register(new StatisticsCollector(statistics, version, () -> settings.probes().tcScanInterval().toNanos() / 1e9));
            ProcessMetrics.builder().register(r);
            JvmMemoryMetrics.builder().register(r);
            JvmGarbageCollectorMetrics.builder().register(r);
            JvmThreadsMetrics.builder().register(r);
            registry = r;
        }
        return registry;
    }

    /**
     * Listens where {@code settings} says (nowhere when {@code flowmon.metrics.listen} is empty).
     *
     * @param statistics the running service's statistics by key, read at each scrape
     * @throws MetricsBindException when the address cannot be resolved or bound (busy port, foreign address)
     */
    public static MetricsEndpoint start(Settings settings, Supplier<Map<String, Long>> statistics, String version)
            throws MetricsBindException {
        MetricsEndpoint endpoint = new MetricsEndpoint(settings, statistics, version);
        endpoint.server = endpoint.listen(settings.metrics());
        return endpoint;
    }

    /** The port listened on (the configured one), if listening. */
    public synchronized Optional<Integer> port() {
        return server == null ? Optional.empty() : Optional.of(server.getPort());
    }

    /** Takes new settings (SIGHUP); reopens the listener only if {@code flowmon.metrics} changed. */
    public synchronized void reload(Settings newSettings) throws MetricsBindException {
        Objects.requireNonNull(newSettings, "settings");
        MetricsSettings old = settings.metrics();
        if (!old.equals(newSettings.metrics())) {
            HTTPServer previous = server;
            if (previous != null) {
                previous.close(); // free the port first: the new address may use the same one
            }
            try {
                server = listen(newSettings.metrics());
            } catch (MetricsBindException e) {
                server = reopenAfterFailure(old);
                throw e;
            }
        }
        settings = newSettings;
    }

    private HTTPServer reopenAfterFailure(MetricsSettings old) {
        try {
            return listen(old);
        } catch (MetricsBindException again) {
            LOG.error("the Prometheus endpoint could not be reopened at its previous address either: {}", again.getMessage());
            return null;
        }
    }

    private HTTPServer listen(MetricsSettings metrics) throws MetricsBindException {
        if (metrics.listen().isEmpty()) {
            return null;
        }
        MetricsSettings.Listen listen = metrics.listen().get();
        InetSocketAddress address = listen.resolve();
        if (address.isUnresolved()) {
            throw new MetricsBindException(listen, "cannot resolve " + listen.host());
        }
        ExecutorService oneThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "flowmond-metrics");
                    t.setDaemon(true);
                    return t;
                });
        try {
            HTTPServer s = HTTPServer.builder().inetAddress(address.getAddress()).port(listen.port())
                    .registry(registry()).executorService(oneThread).buildAndStart();
            LOG.info("Prometheus metrics at http://{}/metrics", listen);
            return s;
        } catch (IOException | UncheckedIOException e) {
            oneThread.shutdownNow();
            String reason = e instanceof UncheckedIOException u ? u.getCause().toString() : e.toString();
            throw new MetricsBindException(listen, reason);
        }
    }

    /** Stops listening (shutdown). */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
