package org.flowmond.daemon;

import java.io.PrintStream;
import java.util.Map;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.metrics.MetricsEndpoint;

/**
 * A {@link Service} with its Prometheus endpoint: reloads go to both (the endpoint first, put back
 * if the service refuses the new settings), the endpoint closes after the service so a last scrape
 * can still see the final numbers.
 */
final class MeteredService implements Service {

    private final Service service;
    private final MetricsEndpoint metrics;
    private Settings settings;

    MeteredService(Service service, MetricsEndpoint metrics, Settings settings) {
        this.service = service;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Override
    public void reload(Settings newSettings) throws Exception {
        metrics.reload(newSettings);
        try {
            service.reload(newSettings);
        } catch (Exception | Error e) {
            try {
                metrics.reload(settings);
            } catch (Exception again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        settings = newSettings;
    }

    @Override
    public void writeTables(PrintStream out) {
        service.writeTables(out);
    }

    @Override
    public Map<String, Long> statistics() {
        return service.statistics();
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            metrics.close();
        }
    }
}
