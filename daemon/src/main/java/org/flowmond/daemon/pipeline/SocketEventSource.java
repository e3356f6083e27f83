package org.flowmond.daemon.pipeline;

import java.util.function.Consumer;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.SocketEvent;

/**
 * The connect/accept probes as the pipeline sees them; {@code SyscallProbesSource} adapts the
 * BPF loader, tests use fakes.
 */
public interface SocketEventSource extends AutoCloseable {

    /** The hook family attached (never AUTO). */
    HookVariant variant();


    /** Starts delivering events to {@code consumer}, on the source's own thread. */
    void start(Consumer<SocketEvent> consumer);

    /**
     * Wakes the source's reader thread if events wait for it; cheap when none do. The flow thread
     * calls it once a cycle, so the reader need not wake on a timer of its own.
     */
    void wakeReaderIfPending();

    /** Waits until every event produced so far has reached the consumer. */
    void drain() throws InterruptedException;

    /** Loss and health counters, and the variant attached (named only by {@code stats.StatisticKeys}). */
    org.flowmond.daemon.stats.SyscallCounters counters();

    /** Detaches every probe. */
    @Override
    void close();
}
