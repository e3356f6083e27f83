package org.flowmond.bpf.syscall;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;

/**
 * Decodes {@code struct sock_event} (flowmon.h, 112 bytes, little-endian) into {@link SocketEvent}.
 * Must match the C struct byte by byte; {@code SockEventCodecTest} holds a hand-written example.
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
    private static final int COMM = 80;
    private static final int PARENT_COMM = 96;
    private static final int ADDR_LEN = 16;
    private static final int COMM_LEN = 16;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private final KernelClock clock;

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
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new SocketEvent(
                SocketEventKind.fromCode(Byte.toUnsignedInt(b.get(KIND))),
                clock.toEpochNanos(b.getLong(TIMESTAMP_NS)),
                b.getInt(PID), b.getInt(TID), b.getInt(UID), b.getInt(GID), b.getInt(PPID),
                comm(b, COMM), comm(b, PARENT_COMM),
                b.getLong(CGROUP_ID), Integer.toUnsignedLong(b.getInt(NETNS_INO)),
                ipVersion(Short.toUnsignedInt(b.getShort(FAMILY))),
                address(b, SADDR), Short.toUnsignedInt(b.getShort(SPORT)),
                address(b, DADDR), Short.toUnsignedInt(b.getShort(DPORT)));
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
    private static InetAddress address(ByteBuffer b, int offset) {
        byte[] raw = new byte[ADDR_LEN];
        b.get(offset, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }

    /** A NUL-terminated name (no NUL when all 16 bytes are used); a cut multi-byte character becomes U+FFFD. */
    private static String comm(ByteBuffer b, int offset) {
        byte[] raw = new byte[COMM_LEN];
        b.get(offset, raw);
        int len = 0;
        while (len < COMM_LEN && raw[len] != 0) {
            len++;
        }
        return new String(raw, 0, len, StandardCharsets.UTF_8);
    }
}
