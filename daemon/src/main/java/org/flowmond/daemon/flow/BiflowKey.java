package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.FlowKey;

/**
 * A connection regardless of direction: protocol plus the two endpoints in a fixed order
 * ({@code low} sorts before {@code high}), so both directions of a 5-tuple map to one key.
 * The interface and the hook are deliberately not part of it: one connection is one biflow,
 * whichever interfaces saw it (see {@link BiflowTable} for which observation counts).
 *
 * @param ethProto EtherType; keeps non-IP traffic of different types apart
 * @param protocol IP protocol number
 */
public record BiflowKey(int ethProto, int protocol, Endpoint low, Endpoint high) {

    /** The key of the connection a unidirectional kernel flow belongs to. */
    public static BiflowKey of(FlowKey k) {
        return of(k.ethProto(), k.protocol(), new Endpoint(k.srcAddress(), k.srcPort()),
                new Endpoint(k.dstAddress(), k.dstPort()));
    }

    /** The key of a connection between {@code a} and {@code b}, in either order. */
    public static BiflowKey of(int ethProto, int protocol, Endpoint a, Endpoint b) {
        return a.compareTo(b) <= 0 ? new BiflowKey(ethProto, protocol, a, b) : new BiflowKey(ethProto, protocol, b, a);
    }

    /** Whether a packet from {@code source} travels low → high (otherwise high → low). */
    public boolean fromLow(Endpoint source) {
        return low.equals(source);
    }
}
