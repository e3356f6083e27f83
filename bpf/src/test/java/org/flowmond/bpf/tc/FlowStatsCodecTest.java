package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcpCounters;
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
    /** struct tcp_health at 208 (88 bytes): unsigned 32-bit counters near 2^32 to catch sign extension. */
    static final byte[] TCP = {
        0x00, b(0xca), b(0x9a), 0x3b, 0, 0, 0, 0,              // 208 syn_ns 1,000,000,000
        b(0x90), b(0x9a), b(0x9e), 0x3b, 0, 0, 0, 0,           // 216 synack_ns 1,000,250,000
        b(0x80), b(0xe4), b(0xa0), 0x3b, 0, 0, 0, 0,           // 224 ack_ns 1,000,400,000
        0x0c, 0, 0, 0, 0, 0, 0, 0,                             // 232 retrans_pkts 12
        b(0xe0), 0x43, 0, 0, 0, 0, 0, 0,                       // 240 retrans_bytes 17,376
        0x30, 0x75, 0, 0, 0, 0, 0, 0,                          // 248 srtt_sum_us 30,000
        0x00, 0x2f, 0x68, 0x59, 0, 0, 0, 0,                    // 256 srtt_last_ns 1,500,000,000 (not decoded)
        b(0xf0), b(0xff), b(0xff), b(0xff),                    // 264 seq_next 0xfffffff0 (not decoded)
        0x03, 0, 0, 0,                                         // 268 ooo_pkts 3
        0x01, 0, 0, 0,                                         // 272 rst_pkts 1
        b(0xfe), b(0xff), b(0xff), b(0xff),                    // 276 zero_win_pkts 4,294,967,294
        b(0xfa), 0, 0, 0,                                      // 280 srtt_min_us 250
        b(0xa0), 0x0f, 0, 0,                                   // 284 srtt_max_us 4,000
        0x0a, 0, 0, 0,                                         // 288 srtt_samples 10
        0x01,                                                  // 292 seq_init (not decoded)
        0, 0, 0,                                               // 293 _pad
    };
    /** HEAD, then src_owner (48: SocketOwnerCodecTest.OWNER, 80 bytes), dst_owner (128: none, all zero), TCP (208). */
    static final byte[] STATS = ByteBuffer.allocate(FlowStatsCodec.SIZE)
            .put(HEAD).put(SocketOwnerCodecTest.OWNER).put(new byte[SocketOwnerCodec.SIZE]).put(TCP).array();

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
    void aMonotonicKernelClockLeavesTheKernelTimesAsTheyAre() {
        KernelClock monotonic = KernelClock.monotonic();
        monotonic.resync(); // nothing to follow: the times stay the kernel's
        FlowCounters c = FlowStatsCodec.decode(STATS, monotonic);
        assertEquals(5_000_000_000L, c.firstSeenNanos());
        assertEquals(7_000_000_000L, c.lastSeenNanos());
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
    void decodesTheTcpHealthOfATcpFlow() {
        assertEquals(296, STATS.length);
        UniFlow f = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(STATS), 0, clock);
        assertEquals(new TcpCounters(1_000_000_000L, 1_000_250_000L, 1_000_400_000L, 12, 17_376, 3, 1,
                4_294_967_294L, 250, 4_000, 30_000, 10), f.tcp(), "raw monotonic times, unsigned counters");
        assertTrue(f.tcp().hasRtt());
    }

    @Test
    void aFlowOfAnotherProtocolOrWithoutTcpHealthHasNone() {
        UniFlow icmp = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV6_ICMP), ByteBuffer.wrap(STATS), 0, clock);
        assertSame(TcpCounters.NONE, icmp.tcp(), "not TCP: the bytes are not read");
        byte[] off = ByteBuffer.allocate(FlowStatsCodec.SIZE).put(HEAD).array();
        UniFlow tcp = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(off), 0, clock);
        assertSame(TcpCounters.NONE, tcp.tcp());
        assertFalse(tcp.tcp().hasRtt());
        assertSame(TcpCounters.NONE, new UniFlow(tcp.key(), tcp.counters()).tcp(), "the short constructors");
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
    void readsTheAmbiguousBitsOfEachEnd() {
        byte[] stats = ByteBuffer.allocate(FlowStatsCodec.SIZE).put(HEAD).array();
        stats[36] = 4; // OWNER_MISS_DST_AMBIGUOUS
        UniFlow dst = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(stats), 0, clock);
        assertFalse(dst.ambiguous(true));
        assertTrue(dst.ambiguous(false));
        assertFalse(dst.sourceSocketUnowned());
        stats[36] = 2 | 1; // OWNER_MISS_SRC_AMBIGUOUS | OWNER_MISS_SRC_SOCKET
        UniFlow src = FlowStatsCodec.decodeFlow(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), ByteBuffer.wrap(stats), 0, clock);
        assertTrue(src.ambiguous(true));
        assertFalse(src.ambiguous(false));
        assertTrue(src.sourceSocketUnowned());
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
        ev.put(STATS);                            // 56 stats (296 bytes)
        ev.flip();
        UniFlow f = FlowOverflowCodec.decode(ev, clock);
        assertEquals(FlowKeyCodec.decode(FlowKeyCodecTest.IPV4_TCP), f.key());
        assertEquals(1000, f.counters().packets());
        assertEquals(4429, f.sourceOwner().pid());
        assertEquals(12, f.tcp().retransmittedPackets());
        assertEquals(352, FlowOverflowCodec.SIZE);
        assertEquals(7, FlowOverflowCodec.error(ev));
    }
}
