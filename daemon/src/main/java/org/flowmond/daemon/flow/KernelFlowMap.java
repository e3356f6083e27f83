package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;

/** What the flow table needs of the kernel's TC flow map: atomic removal of an ended flow. */
@FunctionalInterface
public interface KernelFlowMap {

    /**
     * Removes {@code key} from the kernel map and returns its counters at removal (so every
     * increment up to that moment is counted), or null if the entry no longer exists.
     */
    FlowCounters lookupAndDelete(FlowKey key);
}
