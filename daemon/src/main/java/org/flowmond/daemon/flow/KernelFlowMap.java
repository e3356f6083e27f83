package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;

/** What the flow table needs of the kernel's TC flow map: atomic removal of an ended flow. */
@FunctionalInterface
public interface KernelFlowMap {

    /**
     * Removes {@code key} from the kernel map and returns it as it was at removal: its counters (so
     * every increment up to that moment is counted) and the owners stamped in it; null if the entry
     * no longer exists.
     */
    UniFlow lookupAndDelete(FlowKey key);
}
