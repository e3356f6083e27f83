package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Golden bytes of {@code struct sock_event} (flowmon.h), written by hand from the C layout. */
@UnitTest
class SockEventCodecTest {
    private static final KernelClock CLOCK = new KernelClock();

    /** An IPv4 connect by pid 4429 "transmission-gt" (the seed report's example), from 10.0.0.7:40000 to 1.2.3.4:51413. */
    private static final byte[] CONNECT_V4 = bytes(
            /*   0 timestamp_ns  */ 0x00, 0xe4, 0x0b, 0x54, 0x02, 0x00, 0x00, 0x00,   // 10_000_000_000 ns
            /*   8 cgroup_id     */ 0x39, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // 12345
            /*  16 pid           */ 0x4d, 0x11, 0x00, 0x00,                           // 4429
            /*  20 tid           */ 0x56, 0x11, 0x00, 0x00,                           // 4438
            /*  24 uid           */ 0xe8, 0x03, 0x00, 0x00,                           // 1000
            /*  28 gid           */ 0xe9, 0x03, 0x00, 0x00,                           // 1001
            /*  32 ppid          */ 0x01, 0x00, 0x00, 0x00,                           // 1
            /*  36 netns_ino     */ 0xf9, 0xff, 0xff, 0xef,                           // 4026531833 (> 2^31)
            /*  40 saddr         */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7,   // ::ffff:10.0.0.7
            /*  56 daddr         */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4,    // ::ffff:1.2.3.4
            /*  72 sport         */ 0x40, 0x9c,                                       // 40000
            /*  74 dport         */ 0xd5, 0xc8,                                       // 51413
            /*  76 family        */ 0x02, 0x00,                                       // AF_INET
            /*  78 kind          */ 0x01,                                             // SOCK_EV_CONNECT
            /*  79 outcome       */ 0x02,                                             // CONNECT_REFUSED
            /*  80 comm          */ 't', 'r', 'a', 'n', 's', 'm', 'i', 's', 's', 'i', 'o', 'n', '-', 'g', 't', 0,
            /*  96 parent_comm   */ 's', 'y', 's', 't', 'e', 'm', 'd', 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** An IPv6 accept with a 16-character comm (no NUL) and the largest port. */
    private static final byte[] ACCEPT_V6 = bytes(
            /*   0 timestamp_ns  */ 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // 1 ns
            /*   8 cgroup_id     */ 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // 1 (root cgroup)
            /*  16 pid           */ 0x10, 0x27, 0x00, 0x00,                           // 10000
            /*  20 tid           */ 0x11, 0x27, 0x00, 0x00,                           // 10001
            /*  24 uid           */ 0x00, 0x00, 0x00, 0x00,                           // 0
            /*  28 gid           */ 0x00, 0x00, 0x00, 0x00,                           // 0
            /*  32 ppid          */ 0x0f, 0x27, 0x00, 0x00,                           // 9999
            /*  36 netns_ino     */ 0x01, 0x00, 0x00, 0xf0,                           // 4026531841
            /*  40 saddr         */ 0xfd, 0, 0, 0x99, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,   // fd00:99:5::2
            /*  56 daddr         */ 0xfd, 0, 0, 0x99, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,   // fd00:99:5::1
            /*  72 sport         */ 0xff, 0xff,                                       // 65535
            /*  74 dport         */ 0x35, 0x82,                                       // 33333
            /*  76 family        */ 0x0a, 0x00,                                       // AF_INET6
            /*  78 kind          */ 0x02,                                             // SOCK_EV_ACCEPT
            /*  79 outcome       */ 0x00,                                             // CONNECT_NONE
            /*  80 comm          */ 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
            /*  96 parent_comm   */ 'j', 'a', 'v', 'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    @Test
    void decodesAnIpv4ConnectFieldByField() throws Exception {
        SocketEvent e = new SockEventCodec(CLOCK).decode(ByteBuffer.wrap(CONNECT_V4));

        assertEquals(SocketEventKind.CONNECT, e.kind());
        assertEquals(CLOCK.toEpochNanos(10_000_000_000L), e.timestampNanos());
        assertEquals(12345L, e.cgroupId());
        assertEquals(4429, e.pid());
        assertEquals(4438, e.tid());
        assertEquals(1000, e.uid());
        assertEquals(1001, e.gid());
        assertEquals(1, e.ppid());
        assertEquals(4026531833L, e.netnsInode());
        assertEquals(4, e.ipVersion());
        assertEquals(InetAddress.getByName("10.0.0.7"), e.localAddress());
        assertEquals(40000, e.localPort());
        assertEquals(InetAddress.getByName("1.2.3.4"), e.remoteAddress());
        assertEquals(51413, e.remotePort());
        assertEquals("transmission-gt", e.comm());
        assertEquals("systemd", e.parentComm());
        assertEquals(ConnectOutcome.REFUSED, e.outcome());
    }

    @Test
    void decodesAnIpv6AcceptWithAFullLengthName() throws Exception {
        SocketEvent e = new SockEventCodec(CLOCK).decode(ByteBuffer.wrap(ACCEPT_V6));

        assertEquals(SocketEventKind.ACCEPT, e.kind());
        assertEquals(10000, e.pid());
        assertEquals(10001, e.tid());
        assertEquals(9999, e.ppid());
        assertEquals(4026531841L, e.netnsInode());
        assertEquals(6, e.ipVersion());
        assertEquals(InetAddress.getByName("fd00:99:5::2"), e.localAddress());
        assertEquals(65535, e.localPort());
        assertEquals(InetAddress.getByName("fd00:99:5::1"), e.remoteAddress());
        assertEquals(33333, e.remotePort());
        assertEquals("abcdefghijklmnop", e.comm());
        assertEquals("java", e.parentComm());
        assertEquals(ConnectOutcome.NONE, e.outcome());
    }

    @Test
    void decodesBackToBackRecordsAsTheIteratorWritesThem() {
        byte[] both = new byte[2 * SockEventCodec.SIZE];
        System.arraycopy(CONNECT_V4, 0, both, 0, SockEventCodec.SIZE);
        System.arraycopy(ACCEPT_V6, 0, both, SockEventCodec.SIZE, SockEventCodec.SIZE);

        List<SocketEvent> events = new SockEventCodec(CLOCK).decodeAll(both);

        assertEquals(List.of(4429, 10000), events.stream().map(SocketEvent::pid).toList());
    }

    @Test
    void cachedAddressesAndNamesStayExactWhenManyDifferentOnesRepeat() throws Exception {
        SockEventCodec codec = new SockEventCodec(CLOCK); // one codec: its caches see every event
        for (int pass = 0; pass < 2; pass++) { // the second pass meets cached and replaced entries
            for (int i = 0; i < 2000; i++) {
                byte[] raw = CONNECT_V4.clone();
                raw[40 + 14] = (byte) (i >> 8); // saddr ::ffff:10.0.x.y
                raw[40 + 15] = (byte) i;
                raw[56 + 15] = (byte) (i % 7); // daddr ::ffff:1.2.3.(0..6)
                raw[80 + 14] = (byte) ('a' + i % 26); // comm "transmission-g?"
                raw[80 + 13] = (byte) ('a' + i / 26 % 26);
                SocketEvent e = codec.decode(ByteBuffer.wrap(raw));
                assertEquals(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), e.localAddress());
                assertEquals(InetAddress.getByAddress(new byte[] {1, 2, 3, (byte) (i % 7)}), e.remoteAddress());
                assertEquals("transmission-" + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26), e.comm());
                assertEquals("systemd", e.parentComm());
            }
        }
    }

    @Test
    void rejectsShortRecordsAndUnknownValues() {
        SockEventCodec codec = new SockEventCodec(CLOCK);
        assertThrows(IllegalArgumentException.class, () -> codec.decode(ByteBuffer.wrap(new byte[SockEventCodec.SIZE - 1])));
        assertThrows(IllegalArgumentException.class, () -> codec.decodeAll(new byte[SockEventCodec.SIZE + 1]));

        byte[] badFamily = CONNECT_V4.clone();
        badFamily[76] = 1; // AF_UNIX
        assertThrows(IllegalArgumentException.class, () -> codec.decode(ByteBuffer.wrap(badFamily)));

        byte[] badKind = CONNECT_V4.clone();
        badKind[78] = 9;
        byte[] badOutcome = CONNECT_V4.clone();
        badOutcome[79] = 6;
        assertThrows(IllegalArgumentException.class, () -> codec.decode(ByteBuffer.wrap(badOutcome)));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(ByteBuffer.wrap(badKind)));
    }

    @Test
    void theGoldenRecordsHaveTheSizeOfTheCStruct() {
        assertEquals(SockEventCodec.SIZE, CONNECT_V4.length);
        assertEquals(SockEventCodec.SIZE, ACCEPT_V6.length);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
