package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.OwnerMisses;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.TcpCounters;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.SocketOwnerCodec;

/**
 * {@code struct flow_stats} of flowmon.h (296 bytes, little endian) to {@link FlowCounters}, the
 * two {@link SocketOwner}s and, for TCP, the {@link TcpCounters} of {@code struct tcp_health}, with the kernel's CLOCK_MONOTONIC timestamps converted to wall-clock time
 * by a {@link KernelClock}. Must match flowmon.h byte by byte; {@code FlowStatsCodecTest} holds the
 * golden bytes.
 */
public final class FlowStatsCodec {
    public static final int SIZE = 296;
    private static final int PACKETS = 0;
    private static final int BYTES = 8;
    private static final int FIRST_SEEN = 16;
    private static final int LAST_SEEN = 24;
    private static final int TCP_FLAGS = 32;
    private static final int OWNER_MISSES = 36;
    private static final int SRC_OWNER = 48;
    private static final int DST_OWNER = 128;
    /** struct tcp_health and its fields' offsets within it. */
    private static final int TCP = 208;
    private static final int SYN_NS = 0;
    private static final int SYNACK_NS = 8;
    private static final int ACK_NS = 16;
    private static final int RETRANS_PKTS = 24;
    private static final int RETRANS_BYTES = 32;
    private static final int SRTT_SUM_US = 40;
    private static final int OOO_PKTS = 60;
    private static final int RST_PKTS = 64;
    private static final int ZERO_WIN_PKTS = 68;
    private static final int SRTT_MIN_US = 72;
    private static final int SRTT_MAX_US = 76;
    private static final int SRTT_SAMPLES = 80;
    private static final int IPPROTO_TCP = 6;

    private FlowStatsCodec() {
    }

    /** Decodes the stats at {@code offset} of {@code buf} (little endian whatever the buffer's order). */
    public static FlowCounters decode(ByteBuffer buf, int offset, KernelClock clock) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new FlowCounters(
                b.getLong(offset + PACKETS),
                b.getLong(offset + BYTES),
                clock.toEpochNanos(b.getLong(offset + FIRST_SEEN)),
                clock.toEpochNanos(b.getLong(offset + LAST_SEEN)),
                b.getInt(offset + TCP_FLAGS));
    }

    /** As {@link #decode(ByteBuffer, int, KernelClock)}, for the scan: {@code le} must already be little endian. */
    static FlowCounters decodeLittleEndian(ByteBuffer le, int offset, KernelClock clock) {
        return new FlowCounters(
                le.getLong(offset + PACKETS),
                le.getLong(offset + BYTES),
                clock.toEpochNanos(le.getLong(offset + FIRST_SEEN)),
                clock.toEpochNanos(le.getLong(offset + LAST_SEEN)),
                le.getInt(offset + TCP_FLAGS));
    }

    public static FlowCounters decode(byte[] value, KernelClock clock) {
        return decode(ByteBuffer.wrap(value), 0, clock);
    }

    /** The flow with key {@code key} whose stats are at {@code offset}: counters and both owners. */
    public static UniFlow decodeFlow(FlowKey key, ByteBuffer buf, int offset, KernelClock clock) {
        ByteBuffer le = buf.order() == ByteOrder.LITTLE_ENDIAN ? buf : buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new UniFlow(key, decodeLittleEndian(le, offset, clock),
                SocketOwnerCodec.decode(le, offset + SRC_OWNER), SocketOwnerCodec.decode(le, offset + DST_OWNER),
                le.getInt(offset + OWNER_MISSES) & OwnerMisses.ALL,
                key.protocol() == IPPROTO_TCP ? decodeTcp(le, offset + TCP) : TcpCounters.NONE);
    }

    /** {@code struct tcp_health} at {@code at} of a little-endian buffer; all zero gives {@link TcpCounters#NONE}. */
    static TcpCounters decodeTcp(ByteBuffer le, int at) {
        TcpCounters t = new TcpCounters(
                le.getLong(at + SYN_NS),
                le.getLong(at + SYNACK_NS),
                le.getLong(at + ACK_NS),
                le.getLong(at + RETRANS_PKTS),
                le.getLong(at + RETRANS_BYTES),
                u32(le, at + OOO_PKTS),
                u32(le, at + RST_PKTS),
                u32(le, at + ZERO_WIN_PKTS),
                u32(le, at + SRTT_MIN_US),
                u32(le, at + SRTT_MAX_US),
                le.getLong(at + SRTT_SUM_US),
                u32(le, at + SRTT_SAMPLES));
        return t.equals(TcpCounters.NONE) ? TcpCounters.NONE : t;
    }

    private static long u32(ByteBuffer le, int at) {
        return Integer.toUnsignedLong(le.getInt(at));
    }
}
