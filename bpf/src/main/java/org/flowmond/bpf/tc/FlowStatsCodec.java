package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.SocketOwnerCodec;

/**
 * {@code struct flow_stats} of flowmon.h (208 bytes, little endian) to {@link FlowCounters} and the
 * two {@link SocketOwner}s, with the kernel's CLOCK_MONOTONIC timestamps converted to wall-clock time
 * by a {@link KernelClock}. Must match flowmon.h byte by byte; {@code FlowStatsCodecTest} holds the
 * golden bytes.
 */
public final class FlowStatsCodec {
    public static final int SIZE = 208;
    private static final int PACKETS = 0;
    private static final int BYTES = 8;
    private static final int FIRST_SEEN = 16;
    private static final int LAST_SEEN = 24;
    private static final int TCP_FLAGS = 32;
    private static final int OWNER_MISSES = 36;
    /** tc_owner.bpf.h's OWNER_MISS_SRC_SOCKET. */
    private static final int OWNER_MISS_SRC_SOCKET = 1;
    private static final int SRC_OWNER = 48;
    private static final int DST_OWNER = 128;

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
                (le.getInt(offset + OWNER_MISSES) & OWNER_MISS_SRC_SOCKET) != 0);
    }
}
