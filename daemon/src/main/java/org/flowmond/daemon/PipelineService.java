package org.flowmond.daemon;

import org.flowmond.daemon.config.Settings;

/**
 * Adapts the flow pipeline ({@code org.flowmond.daemon.pipeline.Pipeline}, built by another
 * engineer in parallel) to {@link Service}.
 * TEMPORARY until Pipeline lands: start-up fails with a clear message instead of running.
 */
final class PipelineService {

    private PipelineService() {
    }

    static Service start(Settings settings) throws StartupError {
        throw new StartupError(StartupError.UNAVAILABLE,
                "this build has no flow pipeline yet (org.flowmond.daemon.pipeline.Pipeline)");
    }
}
