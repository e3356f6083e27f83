package org.flowmond.bpf.tc;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Hands out one {@link InetAddress} object per address value for the flow keys of a scan, instead
 * of two new ones per key per scan. At 1,000,000 flows every scan decoded 2,000,000 addresses
 * (56 bytes each for IPv4: the address and its holder), and the flow table kept one pair per flow
 * alive; a host's flows share few local addresses and repeat their peers, so most become one shared
 * object. Direct-mapped and bounded (a slot holds the last address hashed to it): no eviction
 * policy, no growth, and an address that misses is simply a new object, as before.
 *
 * <p>Not thread-safe: each scan has its own (one thread reads a scan).
 */
final class AddressCache {
    static final int SLOTS = 1 << 14;
    private static final int MASK = SLOTS - 1;

    private final int[] v4Keys = new int[SLOTS];
    private final InetAddress[] v4 = new InetAddress[SLOTS];
    private final long[] v6Keys = new long[2 * SLOTS];
    private final InetAddress[] v6 = new InetAddress[SLOTS];
    private long hits;
    private long misses;

    /** The IPv4 address whose four bytes (network order) are at {@code at} of {@code b}. */
    InetAddress v4(ByteBuffer b, int at) {
        int raw = (b.get(at) & 0xFF) << 24 | (b.get(at + 1) & 0xFF) << 16 | (b.get(at + 2) & 0xFF) << 8 | (b.get(at + 3) & 0xFF);
        int slot = mix(raw) & MASK;
        InetAddress a = v4[slot];
        if (a != null && v4Keys[slot] == raw) {
            hits++;
            return a;
        }
        misses++;
        try {
            a = InetAddress.getByAddress(new byte[] {(byte) (raw >>> 24), (byte) (raw >>> 16), (byte) (raw >>> 8), (byte) raw});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: 4-byte address", e);
        }
        v4[slot] = a;
        v4Keys[slot] = raw;
        return a;
    }

    /** The 16-byte (IPv6) address at {@code at} of {@code b}, kept IPv6 even if it is IPv4-mapped. */
    InetAddress v6(ByteBuffer b, int at) {
        long hi = b.order() == java.nio.ByteOrder.BIG_ENDIAN ? b.getLong(at) : Long.reverseBytes(b.getLong(at));
        long lo = b.order() == java.nio.ByteOrder.BIG_ENDIAN ? b.getLong(at + 8) : Long.reverseBytes(b.getLong(at + 8));
        int slot = mix((int) (hi ^ hi >>> 32) * 31 + (int) (lo ^ lo >>> 32)) & MASK;
        InetAddress a = v6[slot];
        if (a != null && v6Keys[2 * slot] == hi && v6Keys[2 * slot + 1] == lo) {
            hits++;
            return a;
        }
        misses++;
        byte[] raw = new byte[16];
        b.get(at, raw);
        try {
            a = Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: 16-byte address", e);
        }
        v6[slot] = a;
        v6Keys[2 * slot] = hi;
        v6Keys[2 * slot + 1] = lo;
        return a;
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    private static int mix(int x) {
        x *= 0x9E3779B9;
        return x ^ x >>> 16;
    }
}
