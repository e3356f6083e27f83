package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.UniFlow;

/**
 * {@code struct flow_overflow_event} of flowmon.h (352 bytes): a packet the flow map had no room
 * for, as a {@link UniFlow} of that packet alone (a GSO packet: its gso_segs wire packets), plus
 * the errno of the failed insert.
 */
public final class FlowOverflowCodec {
    public static final int SIZE = 352;
    private static final int KEY = 0;
    private static final int ERROR = 48;
    private static final int STATS = 56;

    private FlowOverflowCodec() {
    }

    public static UniFlow decode(ByteBuffer buf, KernelClock clock) {
        return FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(buf, KEY), buf, STATS, clock);
    }

    /** The positive errno of the map update that failed (7 = E2BIG: map full). */
    public static int error(ByteBuffer buf) {
        return buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(ERROR);
    }
}
