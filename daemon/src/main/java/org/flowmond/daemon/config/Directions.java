package org.flowmond.daemon.config;

import org.flowmond.bpf.api.Direction;

/** {@code flowmon.directions}: which TC hooks count packets. */
public enum Directions {
    INGRESS,
    EGRESS,
    BOTH;

    /** Whether the hook of this direction is attached. */
    public boolean includes(Direction direction) {
        return this == BOTH || (direction == Direction.INGRESS ? this == INGRESS : this == EGRESS);
    }
}
