package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;

/**
 * {@code struct flow_key} of flowmon.h (48 bytes, host byte order = little endian) to and from
 * {@link FlowKey}. Must match flowmon.h byte by byte; {@code FlowKeyCodecTest} holds the golden bytes.
 *
 * <p>Addresses stay as the kernel writes them: 16 bytes in network order (IPv4 as IPv4-mapped
 * IPv6), read big-endian into two longs each; no {@link java.net.InetAddress} is made.
 */
public final class FlowKeyCodec {
    public static final int SIZE = 48;
    private static final int SRC_ADDR = 0;
    private static final int DST_ADDR = 16;
    private static final int IFINDEX = 32;
    private static final int SRC_PORT = 36;
    private static final int DST_PORT = 38;
    private static final int ETH_PROTO = 40;
    private static final int PROTO = 42;
    private static final int DIRECTION = 43;
    private static final int NETNS_INO = 44;

    private FlowKeyCodec() {
    }

    /** Decodes the key at {@code offset} of {@code buf} (buffer's order is ignored: little endian). */
    public static FlowKey decode(ByteBuffer buf, int offset) {
        return decodeLittleEndian(buf.order() == ByteOrder.LITTLE_ENDIAN ? buf : buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), offset);
    }

    /** As {@link #decode(ByteBuffer, int)}, for the scan: {@code le} must already be little endian (no duplicate per key). */
    static FlowKey decodeLittleEndian(ByteBuffer le, int offset) {
        return new FlowKey(
                networkOrder(le, offset + SRC_ADDR),
                networkOrder(le, offset + SRC_ADDR + 8),
                networkOrder(le, offset + DST_ADDR),
                networkOrder(le, offset + DST_ADDR + 8),
                Short.toUnsignedInt(le.getShort(offset + SRC_PORT)),
                Short.toUnsignedInt(le.getShort(offset + DST_PORT)),
                Byte.toUnsignedInt(le.get(offset + PROTO)),
                Short.toUnsignedInt(le.getShort(offset + ETH_PROTO)),
                le.getInt(offset + IFINDEX),
                Direction.fromCode(le.get(offset + DIRECTION)),
                Integer.toUnsignedLong(le.getInt(offset + NETNS_INO)));
    }

    public static FlowKey decode(byte[] key) {
        return decode(ByteBuffer.wrap(key), 0);
    }

    /** The 48 kernel bytes of {@code key}, e.g. to look it up or delete it. */
    public static byte[] encode(FlowKey key) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(SRC_ADDR, Long.reverseBytes(key.srcHigh()));
        b.putLong(SRC_ADDR + 8, Long.reverseBytes(key.srcLow()));
        b.putLong(DST_ADDR, Long.reverseBytes(key.dstHigh()));
        b.putLong(DST_ADDR + 8, Long.reverseBytes(key.dstLow()));
        b.putInt(IFINDEX, key.ifindex());
        b.putShort(SRC_PORT, (short) key.srcPort());
        b.putShort(DST_PORT, (short) key.dstPort());
        b.putShort(ETH_PROTO, (short) key.ethProto());
        b.put(PROTO, (byte) key.protocol());
        b.put(DIRECTION, (byte) key.direction().code());
        b.putInt(NETNS_INO, (int) key.netns());
        return b.array();
    }

    /** The 8 bytes at {@code at}, in network order, as a big-endian long ({@code le} is little endian). */
    private static long networkOrder(ByteBuffer le, int at) {
        return Long.reverseBytes(le.getLong(at));
    }
}
