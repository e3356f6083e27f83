package org.flowmond.daemon.flow;

import java.net.InetAddress;
import org.flowmond.bpf.api.FlowKey;

/**
 * A connection regardless of direction: protocol plus the two endpoints in a fixed order
 * ({@code low} sorts before {@code high}), so both directions of a 5-tuple map to one key.
 * The interface and the hook are deliberately not part of it: one connection is one biflow,
 * whichever interfaces of one network namespace saw it (see {@link BiflowTable} for which
 * observation counts). The counting namespace is: private addresses repeat across namespaces, so
 * equal 5-tuples counted in two namespaces are two biflows.
 *
 * <p>Flat (addresses and ports as fields, {@link Endpoint}s made on request): the table holds one
 * key per biflow, and a record of two Endpoints cost 80 bytes per flow where this costs 32
 * (48 MB less at 1,000,000 flows). Equality and hash as a record of (ethProto, protocol, low, high, netns).
 */
public final class BiflowKey {
    private final int ethProto;
    private final int protocol;
    private final InetAddress lowAddress;
    private final InetAddress highAddress;
    private final int ports; // low port << 16 | high port
    private final long netns;

    private BiflowKey(int ethProto, int protocol, Endpoint low, Endpoint high, long netns) {
        this.netns = netns;
        this.ethProto = ethProto;
        this.protocol = protocol;
        this.lowAddress = low.address();
        this.highAddress = high.address();
        this.ports = low.port() << 16 | high.port();
    }

    /** The key of the connection a unidirectional kernel flow belongs to. */
    public static BiflowKey of(FlowKey k) {
        return of(k.ethProto(), k.protocol(), new Endpoint(k.srcAddress(), k.srcPort()),
                new Endpoint(k.dstAddress(), k.dstPort()), k.netns());
    }

    /** The key of a connection between {@code a} and {@code b}, in either order, counted in namespace {@code netns}. */
    public static BiflowKey of(int ethProto, int protocol, Endpoint a, Endpoint b, long netns) {
        return a.compareTo(b) <= 0 ? new BiflowKey(ethProto, protocol, a, b, netns)
                : new BiflowKey(ethProto, protocol, b, a, netns);
    }

    /** Inode of the network namespace in which the connection was counted; 0 if unknown. */
    public long netns() {
        return netns;
    }

    /** EtherType; keeps non-IP traffic of different types apart. */
    public int ethProto() {
        return ethProto;
    }

    /** IP protocol number. */
    public int protocol() {
        return protocol;
    }

    /** The endpoint that sorts first. */
    public Endpoint low() {
        return new Endpoint(lowAddress, ports >>> 16);
    }

    /** The endpoint that sorts last. */
    public Endpoint high() {
        return new Endpoint(highAddress, ports & 0xFFFF);
    }

    /** Whether a packet from {@code source} travels low → high (otherwise high → low). */
    public boolean fromLow(Endpoint source) {
        return (ports >>> 16) == source.port() && lowAddress.equals(source.address());
    }

    /** Whether {@code address:port} is the low endpoint, without building an Endpoint (hot path of every scan). */
    boolean isLow(InetAddress address, int port) {
        return (ports >>> 16) == port && lowAddress.equals(Endpoint.canonical(address));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BiflowKey k && ports == k.ports && ethProto == k.ethProto && protocol == k.protocol
                && netns == k.netns && lowAddress.equals(k.lowAddress) && highAddress.equals(k.highAddress);
    }

    @Override
    public int hashCode() {
        int h = 31 * ethProto + protocol;
        h = 31 * h + lowAddress.hashCode();
        h = 31 * h + highAddress.hashCode();
        return 31 * (31 * h + ports) + Long.hashCode(netns);
    }

    @Override
    public String toString() {
        return "BiflowKey[ethProto=" + ethProto + ", protocol=" + protocol + ", low=" + low() + ", high=" + high() + ", netns=" + netns + "]";
    }
}
