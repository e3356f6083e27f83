package org.flowmond.bpf.owner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketOwner;

/**
 * {@code struct sock_owner} of flowmon.h (80 bytes, little endian) to {@link SocketOwner}; a zero
 * {@code stamp_ns} means no owner (an unstamped side of a flow entry) and decodes to null.
 * Must match flowmon.h byte by byte; {@code SocketOwnerCodecTest} holds the golden bytes.
 */
public final class SocketOwnerCodec {
    public static final int SIZE = 80;
    private static final int STAMP_NS = 0;
    private static final int CGROUP_ID = 8;
    private static final int PID = 16;
    private static final int UID = 24;
    private static final int PPID = 32;
    private static final int METHOD = 36;
    private static final int COMM = 40;
    private static final int PARENT_COMM = 56;
    private static final int NETNS = 72;
    private static final int COMM_LEN = 16;

    private SocketOwnerCodec() {
    }

    /** The owner at {@code offset} of {@code buf} (little endian whatever the buffer's order), or null if none. */
    public static SocketOwner decode(ByteBuffer buf, int offset) {
        ByteBuffer b = buf.order() == ByteOrder.LITTLE_ENDIAN ? buf : buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(offset + STAMP_NS) == 0) {
            return null;
        }
        return new SocketOwner(b.getInt(offset + PID), b.getInt(offset + UID), b.getInt(offset + PPID),
                b.getLong(offset + CGROUP_ID), comm(b, offset + COMM), comm(b, offset + PARENT_COMM),
                OwnerMethod.fromCode(Byte.toUnsignedInt(b.get(offset + METHOD))),
                Integer.toUnsignedLong(b.getInt(offset + NETNS)));
    }

    public static SocketOwner decode(byte[] value) {
        return decode(ByteBuffer.wrap(value), 0);
    }

    /** A NUL-terminated name (no NUL when all 16 bytes are used). */
    private static String comm(ByteBuffer b, int offset) {
        int len = 0;
        while (len < COMM_LEN && b.get(offset + len) != 0) {
            len++;
        }
        byte[] raw = new byte[len];
        b.get(offset, raw);
        return new String(raw, StandardCharsets.UTF_8);
    }
}
