package org.flowmond.bpf.api;

import org.flowmond.bpf.api.TcHooks;

/** Which clsact hooks of an interface to count on ({@code flowmon.directions} in the daemon). */
public enum TcHooks {
    INGRESS,
    EGRESS,
    BOTH;

    public boolean ingress() {
        return this != EGRESS;
    }

    public boolean egress() {
        return this != INGRESS;
    }

    /** Whether the hook of this direction is attached. */
    public boolean includes(Direction direction) {
        return direction == Direction.INGRESS ? ingress() : egress();
    }
}
