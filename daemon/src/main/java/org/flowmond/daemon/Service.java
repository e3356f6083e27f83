package org.flowmond.daemon;

import java.io.PrintStream;
import java.util.Map;
import org.flowmond.daemon.config.Settings;

/**
 * What the lifecycle ({@link Flowmond}) needs from the running flow pipeline; the production
 * implementation adapts {@code org.flowmond.daemon.pipeline.Pipeline}, tests use their own.
 */
public interface Service extends AutoCloseable {

    /** Starts a service for validated settings; throws when the kernel or the network refuses. */
    @FunctionalInterface
    interface Starter {
        Service start(Settings settings) throws Exception;
    }

    /** Applies new, already validated settings (SIGHUP). */
    void reload(Settings newSettings) throws Exception;

    /** The seed report's connect and accept tables. Called after {@link #close()}, so they are complete. */
    void writeTables(PrintStream out);

    /** Counters by name (flows active, exported, dropped by reason...), for logging and systemd STATUS=. */
    Map<String, Long> statistics();

    /** Flushes every active flow (reason forced end), detaches every probe, within a few seconds. */
    @Override
    void close();
}
