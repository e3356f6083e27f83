package org.flowmond.daemon;

import java.io.PrintStream;
import java.util.Map;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.pipeline.Pipeline;

/** The flow pipeline as the lifecycle's {@link Service}: a one-to-one adapter. */
final class PipelineService implements Service {

    private final Pipeline pipeline;

    private PipelineService(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    static Service start(Settings settings) throws Exception {
        return new PipelineService(Pipeline.start(settings));
    }

    @Override
    public void reload(Settings newSettings) throws Exception {
        pipeline.reload(newSettings);
    }

    @Override
    public void writeTables(PrintStream out) {
        pipeline.writeTables(out);
    }

    @Override
    public Map<String, Long> statistics() {
        return pipeline.statistics();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
