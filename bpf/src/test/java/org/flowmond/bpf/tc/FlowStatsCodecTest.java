package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.SocketOwnerCodec;
import org.flowmond.bpf.owner.SocketOwnerCodecTest;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Golden bytes of {@code struct flow_stats} and {@code struct flow_overflow_event} (flowmon.h). */
@UnitTest
class FlowStatsCodecTest {
    private final KernelClock clock = new KernelClock();

    private static byte b(int v) {
        return (byte) v;
    }

    /** 1,000 packets, 1,500,000 bytes, first 5 s, last 7 s (monotonic), SYN|ACK|FIN|NS. */
    static final byte[] HEAD = {
        b(0xe8), 0x03, 0, 0, 0, 0, 0, 0,                       //  0 packets 1000 (u64 LE)
        b(0x60), b(0xe3), 0x16, 0, 0, 0, 0, 0,                 //  8 bytes 1,500,000
        0x00, b(0xf2), 0x05, 0x2a, 0x01, 0, 0, 0,              // 16 first_seen_ns 5,000,000,000
        0x00, b(0x86), 0x3b, b(0xa1), 0x01, 0, 0, 0,          // 24 last_seen_ns 7,000,000,000
        0x13, 0x01, 0, 0,                                      // 32 tcp_flags 0x113 (u32 LE)
        0, 0, 0, 0,                                            // 36 owner_misses
        0x00, b(0xe4), 0x0b, 0x54, 0x02, 0, 0, 0,              // 40 owner_check_ns 10,000,000,000 (not decoded)
    };
    /** HEAD, then src_owner (48: SocketOwnerCodecTest.OWNER, 80 bytes), then dst_owner (128: none, all zero). */
    static final byte[] STATS = ByteBuffer.allocate(FlowStatsCodec.SIZE)
            .put(HEAD).put(SocketOwnerCodecTest.OWNER).put(new byte[SocketOwnerCodec.SIZE]).array();

    @Test
    void decodesStatsAndConvertsTimesWithTheKernelClock() {
        FlowCounters c = FlowStatsCodec.decode(STATS, clock);
        assertEquals(FlowStatsCodec.SIZE, STATS.length);
        assertEquals(1000, c.packets());
        assertEquals(1_500_000, c.bytes());
        assertEquals(clock.toEpochNanos(5_000_000_000L), c.firstSeenNanos());
        assertEquals(clock.toEpochNanos(7_000_000_000L), c.lastSeenNanos());
        assertEquals(0x113, c.tcpFlags());
        assertTrue(c.finSeen());
        assertTrue(!c.rstSeen());
    }

    @Test
    void decodesBothOwnersIntoTheFlow() {
        UniFlow f = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(STATS), 0, clock);
        assertEquals(FlowStatsCodec.decode(STATS, clock), f.counters());
        assertEquals(SocketOwnerCodec.decode(SocketOwnerCodecTest.OWNER), f.sourceOwner());
        assertNull(f.destinationOwner(), "stamp_ns 0: no owner");
        assertFalse(f.sourceSocketUnowned());
    }

    @Test
    void readsTheOwnerMissBitOfALocalSocketWithoutOwner() {
        byte[] stats = ByteBuffer.allocate(FlowStatsCodec.SIZE).put(HEAD).array(); // no owners
        stats[36] = 1; // OWNER_MISS_SRC_SOCKET
        UniFlow f = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(stats), 0, clock);
        assertNull(f.sourceOwner());
        assertTrue(f.sourceSocketUnowned());
    }

    @Test
    void theScansLittleEndianDecodeEqualsThePlainOne() {
        ByteBuffer le = ByteBuffer.allocate(8 + FlowStatsCodec.SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        le.put(8, STATS);
        assertEquals(FlowStatsCodec.decode(STATS, clock), FlowStatsCodec.decodeLittleEndian(le, 8, clock));
    }

    @Test
    void decodesAnOverflowEvent() {
        ByteBuffer ev = ByteBuffer.allocate(FlowOverflowCodec.SIZE);
        ev.put(FlowKeyCodecTest.IPV4_TCP);        //  0 key (48 bytes)
        ev.put(new byte[] {7, 0, 0, 0});          // 48 error: E2BIG (positive errno, u32 LE)
        ev.put(new byte[] {0, 0, 0, 0});          // 52 _pad
        ev.put(STATS);                            // 56 stats (208 bytes)
        ev.flip();
        UniFlow f = FlowOverflowCodec.decode(ev, clock);
        assertEquals(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), f.key());
        assertEquals(1000, f.counters().packets());
        assertEquals(4429, f.sourceOwner().pid());
        assertEquals(7, FlowOverflowCodec.error(ev));
    }
}
