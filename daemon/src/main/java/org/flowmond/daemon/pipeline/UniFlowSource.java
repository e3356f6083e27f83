package org.flowmond.daemon.pipeline;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.flow.KernelFlowMap;

/**
 * The TC flow counter as the pipeline sees it; {@code TcFlowSource} adapts the BPF loader,
 * tests use fakes. Called only from the pipeline's flow thread.
 */
public interface UniFlowSource extends KernelFlowMap, AutoCloseable {

    /** Every entry of the kernel flow map now (cumulative counters). */
    List<UniFlow> scan();

    @Override
    UniFlow lookupAndDelete(FlowKey key);

    /** Packets the kernel could not store in its full map, sent through its overflow ring. */
    void drainOverflow(Consumer<UniFlow> consumer);

    /**
     * Attaches interfaces that appeared since the last call, when the settings select all of them,
     * and follows the selected network namespaces (new ones attached, gone ones detached).
     */
    void refreshInterfaces();

    /** Loss and health counters by statistics name (e.g. {@code dropped.map-full}). */
    Map<String, Long> counters();

    /** Detaches every hook this source attached. */
    @Override
    void close();
}
