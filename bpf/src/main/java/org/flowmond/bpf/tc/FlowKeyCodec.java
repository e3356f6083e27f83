package org.flowmond.bpf.tc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;

/**
 * {@code struct flow_key} of flowmon.h (48 bytes, host byte order = little endian) to and from
 * {@link FlowKey}. Must match flowmon.h byte by byte; {@code FlowKeyCodecTest} holds the golden bytes.
 *
 * <p>Addresses are 16 bytes in the kernel, IPv4 as IPv4-mapped IPv6; an IPv4 flow
 * ({@code eth_proto} 0x0800) decodes to {@link java.net.Inet4Address}, anything else to a
 * 16-byte address (all zero for non-IP traffic).
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
    private static final int ADDR_LEN = 16;
    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private FlowKeyCodec() {
    }

    /** Decodes the key at {@code offset} of {@code buf} (buffer's order is ignored: little endian). */
    public static FlowKey decode(ByteBuffer buf, int offset) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int ethProto = Short.toUnsignedInt(b.getShort(offset + ETH_PROTO));
        return new FlowKey(
                address(b, offset + SRC_ADDR, ethProto),
                address(b, offset + DST_ADDR, ethProto),
                Short.toUnsignedInt(b.getShort(offset + SRC_PORT)),
                Short.toUnsignedInt(b.getShort(offset + DST_PORT)),
                Byte.toUnsignedInt(b.get(offset + PROTO)),
                ethProto,
                b.getInt(offset + IFINDEX),
                Direction.fromCode(b.get(offset + DIRECTION)),
                Integer.toUnsignedLong(b.getInt(offset + NETNS_INO)));
    }

    /**
     * As {@link #decode(ByteBuffer, int)}, for the scan: {@code le} must already be little endian
     * (no duplicate per key), and addresses come from {@code addresses} (one object per value).
     */
    static FlowKey decode(ByteBuffer le, int offset, AddressCache addresses) {
        int ethProto = Short.toUnsignedInt(le.getShort(offset + ETH_PROTO));
        boolean v4 = ethProto == FlowKey.ETH_P_IP;
        return new FlowKey(
                v4 ? addresses.v4(le, offset + SRC_ADDR + 12) : addresses.v6(le, offset + SRC_ADDR),
                v4 ? addresses.v4(le, offset + DST_ADDR + 12) : addresses.v6(le, offset + DST_ADDR),
                Short.toUnsignedInt(le.getShort(offset + SRC_PORT)),
                Short.toUnsignedInt(le.getShort(offset + DST_PORT)),
                Byte.toUnsignedInt(le.get(offset + PROTO)),
                ethProto,
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
        b.put(SRC_ADDR, kernelAddress(key.srcAddress()));
        b.put(DST_ADDR, kernelAddress(key.dstAddress()));
        b.putInt(IFINDEX, key.ifindex());
        b.putShort(SRC_PORT, (short) key.srcPort());
        b.putShort(DST_PORT, (short) key.dstPort());
        b.putShort(ETH_PROTO, (short) key.ethProto());
        b.put(PROTO, (byte) key.protocol());
        b.put(DIRECTION, (byte) key.direction().code());
        b.putInt(NETNS_INO, (int) key.netns());
        return b.array();
    }

    private static InetAddress address(ByteBuffer b, int at, int ethProto) {
        byte[] raw = new byte[ADDR_LEN];
        b.get(at, raw);
        try {
            if (ethProto == FlowKey.ETH_P_IP) {
                return InetAddress.getByAddress(Arrays.copyOfRange(raw, 12, 16));
            }
            // getByAddress would turn a v4-mapped 16-byte address into an Inet4Address; keep IPv6 as IPv6.
            return java.net.Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address of " + raw.length + " bytes", e);
        }
    }

    private static byte[] kernelAddress(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == ADDR_LEN) {
            return raw;
        }
        byte[] mapped = Arrays.copyOf(V4_MAPPED_PREFIX, ADDR_LEN);
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
