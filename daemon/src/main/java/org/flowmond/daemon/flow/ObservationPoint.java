package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;

/** One TC hook on one interface: where a unidirectional kernel flow was counted. */
record ObservationPoint(int ifindex, Direction hook) {

    static ObservationPoint of(FlowKey k) {
        return new ObservationPoint(k.ifindex(), k.direction());
    }
}
