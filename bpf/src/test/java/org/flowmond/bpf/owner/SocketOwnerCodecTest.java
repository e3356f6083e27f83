package org.flowmond.bpf.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Golden bytes of {@code struct sock_owner} (flowmon.h), written by hand from the C layout. */
@UnitTest
public class SocketOwnerCodecTest {

    private static byte b(int v) {
        return (byte) v;
    }

    /** pid 4429 "transmission-gt", uid 1000, parent 1 "systemd", cgroup 12345, method SEND, netns 4026531840. */
    public static final byte[] OWNER = {
        0x00, b(0xe4), 0x0b, 0x54, 0x02, 0, 0, 0,              //  0 stamp_ns 10,000,000,000 (u64 LE; non-zero: an owner)
        0x39, 0x30, 0, 0, 0, 0, 0, 0,                          //  8 cgroup_id 12345
        0x4d, 0x11, 0, 0,                                      // 16 pid 4429
        0x56, 0x11, 0, 0,                                      // 20 tid 4438 (not in SocketOwner)
        b(0xe8), 0x03, 0, 0,                                   // 24 uid 1000
        b(0xe9), 0x03, 0, 0,                                   // 28 gid 1001 (not in SocketOwner)
        0x01, 0, 0, 0,                                         // 32 ppid 1
        0x04,                                                  // 36 method OWNER_SEND
        0x01,                                                  // 37 tuple_known (the kernel's own flag)
        0, 0,                                                  // 38 _pad
        't', 'r', 'a', 'n', 's', 'm', 'i', 's', 's', 'i', 'o', 'n', '-', 'g', 't', 0,   // 40 comm
        's', 'y', 's', 't', 'e', 'm', 'd', 0, 0, 0, 0, 0, 0, 0, 0, 0,                 // 56 parent_comm
        0x00, 0x00, 0x00, b(0xf0),                             // 72 netns_ino 4026531840 (0xf0000000, u32 LE)
        0, 0, 0, 0,                                            // 76 _pad2
    };

    @Test
    void decodesEveryField() {
        assertEquals(SocketOwnerCodec.SIZE, OWNER.length);
        assertEquals(new SocketOwner(4429, 1000, 1, 12345L, "transmission-gt", "systemd", OwnerMethod.SEND,
                4026531840L),
                SocketOwnerCodec.decode(OWNER));
    }

    @Test
    void aZeroStampIsNoOwnerAndAFullLengthNameHasNoNul() {
        assertNull(SocketOwnerCodec.decode(new byte[SocketOwnerCodec.SIZE]));
        byte[] longName = OWNER.clone();
        for (int i = 0; i < 16; i++) {
            longName[40 + i] = (byte) ('a' + i);
        }
        assertEquals("abcdefghijklmnop", SocketOwnerCodec.decode(longName).command());
        ByteBuffer at8 = ByteBuffer.allocate(8 + OWNER.length).put(8, OWNER); // big-endian buffer, offset 8
        assertEquals(SocketOwnerCodec.decode(OWNER), SocketOwnerCodec.decode(at8, 8));
    }

    @Test
    void rejectsAnUnknownMethod() {
        byte[] bad = OWNER.clone();
        bad[36] = 9;
        assertThrows(IllegalArgumentException.class, () -> SocketOwnerCodec.decode(bad));
    }
}
