package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;

/** One TC hook on one interface: where a unidirectional kernel flow was counted. */
record ObservationPoint(int ifindex, Direction hook) {
    /** Direct-mapped, bounded: a host has a few hooks, and every biflow names one or two of them. */
    private static final int CACHE_SLOTS = 1024;
    private static final ObservationPoint[] CACHE = new ObservationPoint[CACHE_SLOTS];

    /**
     * The point of {@code k}, shared with every other flow of the same hook while it stays in the
     * cache: a new instance per biflow was 24 bytes per flow (24 MB at 1,000,000 flows) and as many
     * allocations per scan. Records have final fields, so a racy read of a slot sees a whole one.
     */
    static ObservationPoint of(FlowKey k) {
        int slot = Math.floorMod(k.ifindex() * 2 + k.direction().ordinal(), CACHE_SLOTS);
        ObservationPoint p = CACHE[slot];
        if (p == null || p.ifindex != k.ifindex() || p.hook != k.direction()) {
            p = new ObservationPoint(k.ifindex(), k.direction());
            CACHE[slot] = p;
        }
        return p;
    }
}
