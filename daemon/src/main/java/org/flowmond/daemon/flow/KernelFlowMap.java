package org.flowmond.daemon.flow;

import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;

/**
 * What the flow table needs of the kernel's TC flow map: atomic removal of an ended flow, and of
 * every flow at once when all of them end (shutdown).
 */
@FunctionalInterface
public interface KernelFlowMap {

    /**
     * Removes {@code key} from the kernel map and returns it as it was at removal: its counters (so
     * every increment up to that moment is counted) and the owners stamped in it; null if the entry
     * no longer exists.
     */
    UniFlow lookupAndDelete(FlowKey key);

    /**
     * Removes every entry of the map, handing each to {@code sink} as it was at removal (counters and
     * owners), a few hundred entries per syscall; returns true once the map was emptied so. False if
     * it cannot (no batch operation: kernels before 5.6, or a map that is not the kernel's): then
     * nothing was handed over, or, if it failed part way, what was handed over was removed and the
     * rest is still in the map for {@link #lookupAndDelete}.
     */
    default boolean removeAll(Consumer<UniFlow> sink) {
        return false;
    }
}
