package org.flowmond.bpf.syscall;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;

/**
 * Decodes {@code struct sock_event} (flowmon.h, 112 bytes, little-endian) into {@link SocketEvent}.
 * Must match the C struct byte by byte; {@code SockEventCodecTest} holds a hand-written example.
 *
 * <p>The reader decodes every connect and accept of the host, so the fields that repeat from
 * event to event (addresses, process names) come from small direct-mapped caches keyed by their
 * raw bytes: a hit allocates nothing. Not thread-safe: one codec per reading thread.
 */
public final class SockEventCodec {
    public static final int SIZE = 112;

    // Offsets of struct sock_event's fields.
    private static final int TIMESTAMP_NS = 0;
    private static final int CGROUP_ID = 8;
    private static final int PID = 16;
    private static final int TID = 20;
    private static final int UID = 24;
    private static final int GID = 28;
    private static final int PPID = 32;
    private static final int NETNS_INO = 36;
    private static final int SADDR = 40;
    private static final int DADDR = 56;
    private static final int SPORT = 72;
    private static final int DPORT = 74;
    private static final int FAMILY = 76;
    private static final int KIND = 78;
    private static final int OUTCOME = 79;
    private static final int COMM = 80;
    private static final int PARENT_COMM = 96;
    private static final int ADDR_LEN = 16;
    private static final int COMM_LEN = 16;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** Entries per cache (a power of two); a collision just replaces the entry. */
    private static final int CACHE_SLOTS = 256;

    private final KernelClock clock;
    private final RawCache<InetAddress> addresses = new RawCache<>(CACHE_SLOTS);
    private final RawCache<String> names = new RawCache<>(CACHE_SLOTS);

    public SockEventCodec(KernelClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Decodes the event that starts at {@code buf}'s position (absolute reads; the position is not moved).
     *
     * @throws IllegalArgumentException if fewer than {@link #SIZE} bytes remain or a field has an impossible value
     */
    public SocketEvent decode(ByteBuffer buf) {
        if (buf.remaining() < SIZE) {
            throw new IllegalArgumentException("sock_event needs " + SIZE + " bytes, got " + buf.remaining());
        }
        ByteBuffer b = buf.order() == ByteOrder.LITTLE_ENDIAN ? buf : buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = buf.position();
        return new SocketEvent(
                SocketEventKind.fromCode(Byte.toUnsignedInt(b.get(at + KIND))),
                clock.toEpochNanos(b.getLong(at + TIMESTAMP_NS)),
                b.getInt(at + PID), b.getInt(at + TID), b.getInt(at + UID), b.getInt(at + GID), b.getInt(at + PPID),
                comm(b, at + COMM), comm(b, at + PARENT_COMM),
                b.getLong(at + CGROUP_ID), Integer.toUnsignedLong(b.getInt(at + NETNS_INO)),
                ipVersion(Short.toUnsignedInt(b.getShort(at + FAMILY))),
                address(b, at + SADDR), Short.toUnsignedInt(b.getShort(at + SPORT)),
                address(b, at + DADDR), Short.toUnsignedInt(b.getShort(at + DPORT)),
                ConnectOutcome.fromCode(Byte.toUnsignedInt(b.get(at + OUTCOME))));
    }

    /** Decodes back-to-back records, as the start-up iterator writes them. */
    public List<SocketEvent> decodeAll(byte[] records) {
        if (records.length % SIZE != 0) {
            throw new IllegalArgumentException(records.length + " bytes is not a whole number of " + SIZE + "-byte sock_events");
        }
        List<SocketEvent> events = new ArrayList<>(records.length / SIZE);
        ByteBuffer all = ByteBuffer.wrap(records);
        for (int at = 0; at < records.length; at += SIZE) {
            events.add(decode(all.position(at)));
        }
        return events;
    }

    private static int ipVersion(int family) {
        return switch (family) {
            case AF_INET -> 4;
            case AF_INET6 -> 6;
            default -> throw new IllegalArgumentException("sock_event family " + family + " is neither AF_INET nor AF_INET6");
        };
    }

    /** A 16-byte address; IPv4-mapped ones (::ffff:a.b.c.d) come back as Inet4Address. */
    private InetAddress address(ByteBuffer b, int offset) {
        return addresses.get(b, offset, SockEventCodec::newAddress);
    }

    private static InetAddress newAddress(ByteBuffer b, int offset) {
        byte[] raw = new byte[ADDR_LEN];
        b.get(offset, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }

    /** A NUL-terminated name (no NUL when all 16 bytes are used); a cut multi-byte character becomes U+FFFD. */
    private String comm(ByteBuffer b, int offset) {
        return names.get(b, offset, SockEventCodec::newComm);
    }

    private static String newComm(ByteBuffer b, int offset) {
        byte[] raw = new byte[COMM_LEN];
        b.get(offset, raw);
        int len = 0;
        while (len < COMM_LEN && raw[len] != 0) {
            len++;
        }
        return new String(raw, 0, len, StandardCharsets.UTF_8);
    }

    /**
     * Values keyed by 16 raw bytes (two longs), direct-mapped: each key has one slot, and a new
     * key in an occupied slot replaces the old one. Values are immutable, so a hit is exact.
     */
    private static final class RawCache<V> {
        private final long[] keys;
        private final Object[] values;
        private final int mask;

        RawCache(int slots) {
            keys = new long[2 * slots];
            values = new Object[slots];
            mask = slots - 1;
        }

        /** The value for the 16 bytes at {@code offset}, decoded (and kept) on a miss. */
        @SuppressWarnings("unchecked")
        V get(ByteBuffer b, int offset, BiFunction<ByteBuffer, Integer, V> decode) {
            long lo = b.getLong(offset);
            long hi = b.getLong(offset + 8);
            int i = slot(lo, hi);
            if (values[i] != null && keys[2 * i] == lo && keys[2 * i + 1] == hi) {
                return (V) values[i];
            }
            V value = decode.apply(b, offset);
            keys[2 * i] = lo;
            keys[2 * i + 1] = hi;
            values[i] = value;
            return value;
        }

        private int slot(long lo, long hi) {
            long h = (lo ^ Long.rotateLeft(hi, 29)) * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 40) & mask;
        }
    }
}
