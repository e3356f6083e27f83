package org.flowmond.daemon.metrics;

import java.io.IOException;
import org.flowmond.daemon.config.MetricsSettings;

/** The Prometheus endpoint's address cannot be listened on: one line naming the key, the address and why. */
public final class MetricsBindException extends IOException {
    private static final long serialVersionUID = 1L;

    MetricsBindException(MetricsSettings.Listen listen, String reason) {
        super("flowmon.metrics.listen = \"" + listen + "\": cannot listen there: " + reason);
    }
}
