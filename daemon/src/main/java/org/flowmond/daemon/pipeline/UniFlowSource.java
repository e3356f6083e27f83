package org.flowmond.daemon.pipeline;

import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.flow.KernelFlowMap;

/**
 * The TC flow counter as the pipeline sees it; {@code TcFlowSource} adapts the BPF loader,
 * tests use fakes. Called only from the pipeline's flow thread.
 */
public interface UniFlowSource extends KernelFlowMap, AutoCloseable {

    /**
     * Hands every entry of the kernel flow map now (cumulative counters) to {@code sink} as it is
     * read, keeping none of them; returns how many there were.
     */
    int scan(Consumer<UniFlow> sink);

    /**
     * How many entries the kernel inserted into its map since the last {@link #scan} began: at most
     * that many of the next scan's entries are new (the flow table makes room for them first).
     */
    long insertedSinceLastScan();

    @Override
    UniFlow lookupAndDelete(FlowKey key);

    /**
     * Hands, on the calling thread, the packets waiting in the overflow ring (those the kernel could
     * not store in its full map) to the consumer given at open, as the ring's reader thread does.
     */
    void drainOverflow();

    /**
     * Wakes the overflow ring's reader thread if records wait for it; cheap when none do. The flow
     * thread calls it once a cycle, so the reader need not wake on a timer of its own.
     */
    void wakeReaderIfPending();

    /**
     * Attaches interfaces that appeared since the last call, when the settings select all of them,
     * and follows the selected network namespaces (new ones attached, gone ones detached).
     */
    void refreshInterfaces();

    /** Loss and health counters (named only by {@code stats.StatisticKeys}). */
    org.flowmond.daemon.stats.TcCounters counters();

    /** Detaches every hook this source attached. */
    @Override
    void close();
}
