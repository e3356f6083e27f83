package org.flowmond.daemon.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.flowmond.bpf.api.FlowKey;

/**
 * A connection regardless of direction: protocol plus the two endpoints in a fixed order
 * ({@code low} sorts before {@code high}, as {@link Endpoint#compareTo} orders them), so both
 * directions of a 5-tuple map to one key. The interface and the hook are deliberately not part of
 * it: one connection is one biflow, whichever interfaces of one network namespace saw it (see
 * {@link BiflowTable} for which observation counts). The counting namespace is: private addresses
 * repeat across namespaces, so equal 5-tuples counted in two namespaces are two biflows.
 *
 * <p>Addresses are kept as the numbers the kernel writes, not as {@link InetAddress} objects (two
 * of those, with their holders, are about 100 bytes a flow when the addresses vary): an IPv4
 * connection (IPv4-mapped IPv6 included, as {@link Endpoint} canonicalises it) as two ints in
 * {@link V4}, 40 bytes a key; any other as two 16-byte addresses in two longs each in {@link V6},
 * 64 bytes. {@link Endpoint}s and addresses are made on request, at the outputs. Equality as a
 * record of (ethProto, protocol, low, high, netns); the hash is of the numbers form ({@link #hash}),
 * which {@link Biflow} keeps inline so that finding a flow reads no key object.
 */
public abstract sealed class BiflowKey permits BiflowKey.V4, BiflowKey.V6 {
    /** Flipping each byte's top bit turns a signed byte-by-byte comparison into an unsigned one of the whole. */
    private static final long SIGN_BITS = 0x8080_8080_8080_8080L;

    private final long netns;
    private final int ports; // low port << 16 | high port
    private final int kind; // ethProto << 8 | protocol

    private BiflowKey(int ethProto, int protocol, int lowPort, int highPort, long netns) {
        this.netns = netns;
        this.kind = ethProto << 8 | protocol;
        this.ports = lowPort << 16 | highPort;
    }

    /** The key of the connection a unidirectional kernel flow belongs to, from the kernel's numbers. */
    public static BiflowKey of(FlowKey k) {
        return ordered(k.ethProto(), k.protocol(), k.srcHigh(), k.srcLow(), k.srcPort(), k.dstHigh(), k.dstLow(),
                k.dstPort(), k.netns());
    }

    /** The key of a connection between {@code a} and {@code b}, in either order, counted in namespace {@code netns}. */
    public static BiflowKey of(int ethProto, int protocol, Endpoint a, Endpoint b, long netns) {
        return ordered(ethProto, protocol, FlowKey.high(a.address()), FlowKey.low(a.address()), a.port(),
                FlowKey.high(b.address()), FlowKey.low(b.address()), b.port(), netns);
    }

    /** The key of ends a and b (16-byte addresses as two longs each) with the lower end first. */
    private static BiflowKey ordered(int ethProto, int protocol, long aHigh, long aLow, int aPort, long bHigh, long bLow,
                                     int bPort, long netns) {
        if (FlowKey.isMappedV4(aHigh, aLow) && FlowKey.isMappedV4(bHigh, bLow)) {
            return V4.ordered(ethProto, protocol, (int) aLow, aPort, (int) bLow, bPort, netns);
        }
        int kind = ethProto << 8 | protocol;
        return compareEnds(aHigh, aLow, aPort, bHigh, bLow, bPort) <= 0
                ? new V6(kind, aPort << 16 | bPort, netns, aHigh, aLow, bHigh, bLow)
                : new V6(kind, bPort << 16 | aPort, netns, bHigh, bLow, aHigh, aLow);
    }

    /**
     * Orders two ends from their 16-byte addresses exactly as {@link Endpoint#compareTo} orders the
     * endpoints made of them (an IPv4-mapped address is an IPv4 one there): two IPv4 addresses as
     * unsigned ints; otherwise the address bytes signed and in order, as {@code Arrays.compare} does,
     * the 4-byte IPv4 one before a 16-byte one that starts with the same 4; then the port.
     */
    static int compareEnds(long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort) {
        int c = compareAddresses(aHigh, aLow, bHigh, bLow);
        return c != 0 ? c : Integer.compare(aPort, bPort);
    }

    private static int compareAddresses(long aHigh, long aLow, long bHigh, long bLow) {
        boolean aV4 = FlowKey.isMappedV4(aHigh, aLow);
        boolean bV4 = FlowKey.isMappedV4(bHigh, bLow);
        if (aV4 && bV4) {
            return Integer.compareUnsigned((int) aLow, (int) bLow);
        }
        if (aV4 != bV4) {
            int v4 = (int) (aV4 ? aLow : bLow);
            int v6Start = (int) ((aV4 ? bHigh : aHigh) >>> 32);
            int c = Integer.compareUnsigned(v4 ^ (int) SIGN_BITS, v6Start ^ (int) SIGN_BITS);
            int v4First = c != 0 ? c : -1; // equal first 4 bytes: the shorter address sorts first
            return aV4 ? v4First : -v4First;
        }
        int c = Long.compareUnsigned(aHigh ^ SIGN_BITS, bHigh ^ SIGN_BITS);
        return c != 0 ? c : Long.compareUnsigned(aLow ^ SIGN_BITS, bLow ^ SIGN_BITS);
    }

    /** Inode of the network namespace in which the connection was counted; 0 if unknown. */
    public final long netns() {
        return netns;
    }

    /** EtherType; keeps non-IP traffic of different types apart. */
    public final int ethProto() {
        return kind >>> 8;
    }

    /** IP protocol number. */
    public final int protocol() {
        return kind & 0xFF;
    }

    /** The endpoint that sorts first. */
    public final Endpoint low() {
        return new Endpoint(address(true), ports >>> 16);
    }

    /** The endpoint that sorts last. */
    public final Endpoint high() {
        return new Endpoint(address(false), ports & 0xFFFF);
    }

    /** Whether a packet from {@code source} travels low → high (otherwise high → low). */
    public final boolean fromLow(Endpoint source) {
        return isLow(source.address(), source.port());
    }

    /** Whether {@code address:port} is the low endpoint (an IPv4-mapped address is its IPv4 one). */
    final boolean isLow(InetAddress address, int port) {
        return (ports >>> 16) == port && isAddress(address, addressHigh(true), addressLow(true));
    }

    /** Whether {@code a} is the address whose 16-byte form is {@code high}, {@code low} (IPv4 as IPv4-mapped). */
    static boolean isAddress(InetAddress a, long high, long low) {
        return FlowKey.low(a) == low && FlowKey.high(a) == high;
    }

    /**
     * The key whose numbers {@link Biflow} keeps ({@link #addressHigh}, {@link #addressLow}, {@link #ports()},
     * {@link #kind()}): IPv4 when both addresses are IPv4-mapped, as {@link #of} would have made it.
     */
    static BiflowKey fromNumbers(int kind, int ports, long netns, long lowHigh, long lowLow, long highHigh, long highLow) {
        if (FlowKey.isMappedV4(lowHigh, lowLow) && FlowKey.isMappedV4(highHigh, highLow)) {
            return new V4(kind >>> 8, kind & 0xFF, (int) lowLow, ports >>> 16, (int) highLow, ports & 0xFFFF, netns);
        }
        return new V6(kind, ports, netns, lowHigh, lowLow, highHigh, highLow);
    }

    /** The hash of a key from its numbers: the same for the key and for the flow that keeps them. */
    static int hash(int kind, int ports, long netns, long lowHigh, long lowLow, long highHigh, long highLow) {
        long h = 31 * (31 * (long) kind + ports) + netns;
        h = 31 * h + lowHigh;
        h = 31 * h + lowLow;
        h = 31 * h + highHigh;
        h = 31 * h + highLow;
        return Long.hashCode(h);
    }

    /** Packed EtherType and protocol: {@code ethProto << 8 | protocol}. */
    final int kind() {
        return kind;
    }

    /** Low port {@code << 16 |} high port. */
    final int ports() {
        return ports;
    }

    /** The first (high-order) 8 bytes of the low or the high address in its 16-byte form. */
    abstract long addressHigh(boolean low);

    /** The last 8 bytes of the low or the high address in its 16-byte form (IPv4: {@code ::ffff:a.b.c.d}). */
    abstract long addressLow(boolean low);

    /** The low or the high address, canonical as {@link Endpoint} keeps it. */
    abstract InetAddress address(boolean low);


    @Override
    public boolean equals(Object o) {
        return o instanceof BiflowKey k && ports == k.ports && kind == k.kind && netns == k.netns;
    }

    @Override
    public final int hashCode() {
        return hash(kind, ports, netns, addressHigh(true), addressLow(true), addressHigh(false), addressLow(false));
    }

    @Override
    public final String toString() {
        return "BiflowKey[ethProto=" + ethProto() + ", protocol=" + protocol() + ", low=" + low() + ", high=" + high()
                + ", netns=" + netns + "]";
    }

    /** Both ends IPv4: the addresses as ints, in network byte order read big-endian. */
    static final class V4 extends BiflowKey {
        private final int lowAddress;
        private final int highAddress;

        private V4(int ethProto, int protocol, int low, int lowPort, int high, int highPort, long netns) {
            super(ethProto, protocol, lowPort, highPort, netns);
            this.lowAddress = low;
            this.highAddress = high;
        }

        /** Orders two IPv4 ends as {@link Endpoint#compareTo} does: address unsigned, then port. */
        static V4 ordered(int ethProto, int protocol, int a, int aPort, int b, int bPort, long netns) {
            int c = Integer.compareUnsigned(a, b);
            return c < 0 || (c == 0 && aPort <= bPort) ? new V4(ethProto, protocol, a, aPort, b, bPort, netns)
                    : new V4(ethProto, protocol, b, bPort, a, aPort, netns);
        }

        @Override
        long addressHigh(boolean low) {
            return 0;
        }

        @Override
        long addressLow(boolean low) {
            return FlowKey.mappedV4(low ? lowAddress : highAddress);
        }

        @Override
        InetAddress address(boolean low) {
            int a = low ? lowAddress : highAddress;
            try {
                return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            } catch (UnknownHostException e) {
                throw new AssertionError("4 bytes is always a valid address", e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof V4 k && lowAddress == k.lowAddress && highAddress == k.highAddress && super.equals(o);
        }
    }

    /** Any other pair of ends: each address in its 16-byte form (an IPv4 end as IPv4-mapped) as two longs. */
    static final class V6 extends BiflowKey {
        private final long lowHigh;
        private final long lowLow;
        private final long highHigh;
        private final long highLow;

        private V6(int kind, int ports, long netns, long lowHigh, long lowLow, long highHigh, long highLow) {
            super(kind >>> 8, kind & 0xFF, ports >>> 16, ports & 0xFFFF, netns);
            this.lowHigh = lowHigh;
            this.lowLow = lowLow;
            this.highHigh = highHigh;
            this.highLow = highLow;
        }

        @Override
        long addressHigh(boolean low) {
            return low ? lowHigh : highHigh;
        }

        @Override
        long addressLow(boolean low) {
            return low ? lowLow : highLow;
        }

        @Override
        InetAddress address(boolean low) {
            byte[] b = new byte[16];
            long hi = low ? lowHigh : highHigh;
            long lo = low ? lowLow : highLow;
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[i + 8] = (byte) (lo >>> (56 - 8 * i));
            }
            try {
                return InetAddress.getByAddress(b); // an IPv4-mapped address comes back as IPv4: canonical
            } catch (UnknownHostException e) {
                throw new AssertionError("16 bytes is always a valid address", e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof V6 k && lowHigh == k.lowHigh && lowLow == k.lowLow && highHigh == k.highHigh
                    && highLow == k.highLow && super.equals(o);
        }
    }
}
