package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TCP templates and a record with TCP health, byte by byte: the lean template's fields and
 * then the health fields; a record grows by exactly the health fields (76 octets in a biflow
 * record, 52 in a uniflow record, 12 in a syscall flow); everything else keeps its template.
 */
@UnitTest
class TcpHealthGoldenTest {
    private static final TcpHealth HEALTH = new TcpHealth(21_000, 40_000, 800, 950, 1_200, 3, 4344, 2, 2896, 5, 6,
            0, 1, 7, 8);

    private static FlowRecord tcp(TcpHealth health) throws Exception {
        return FlowRecordTest.base()
                .forward(10, 1500, 0x1b, 1_700_000_000_000L, 1_700_000_000_100L)
                .reverse(8, 9000, 0x1b, 1_700_000_000_001L, 1_700_000_000_090L)
                .tcpHealth(health)
                .build();
    }

    /** What {@code full} writes for {@code r} after what {@code lean} writes for {@code leanRecord}, which must be the same. */
    private static String tail(Template<FlowRecord> lean, FlowRecord leanRecord, Template<FlowRecord> full, FlowRecord r) {
        ByteBuf a = Unpooled.buffer();
        ByteBuf b = Unpooled.buffer();
        lean.encode(leanRecord, a);
        full.encode(r, b);
        assertEquals(full.encodedLength(r), b.readableBytes());
        assertEquals(a, b.slice(0, a.readableBytes()), "the lean record first");
        return Hex.of(b.skipBytes(a.readableBytes()));
    }

    @Test
    void biflowTemplateIsTheLeanOneAndTheHealthFields() {
        ExportTemplates t = new ExportTemplates(BiflowMode.NPROBE, 32473);
        List<FieldSpecifier> lean = t.flowIpv4.fields();
        List<FieldSpecifier> tcp = t.tcpFlowIpv4.fields();
        assertEquals(lean, tcp.subList(0, lean.size()));
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(new IpfixMessage(0, 0, 0, List.of(new TemplateSet(List.of(
                new org.flowmond.ipfix.message.TemplateRecord(400, tcp.subList(lean.size(), tcp.size())))))), out);
        out.skipBytes(16 + 8);
        assertEquals(Hex.of(Hex.parse("""
                807b 0004 00008b30   # CLIENT_NW_LATENCY_MS, ntop 123
                807c 0004 00008b30   # SERVER_NW_LATENCY_MS, ntop 124
                806d 0004 00008b30   # RETRANSMITTED_IN_PKTS, ntop 109
                807f 0004 00008b30   # RETRANSMITTED_IN_BYTES, ntop 127
                806e 0004 00008b30   # RETRANSMITTED_OUT_PKTS, ntop 110
                8080 0004 00008b30   # RETRANSMITTED_OUT_BYTES, ntop 128
                806f 0004 00008b30   # OOORDER_IN_PKTS, ntop 111
                8070 0004 00008b30   # OOORDER_OUT_PKTS, ntop 112
                00dc 0008            # tcpRstTotalCount, IANA 220
                80dc 0008 00007279   # reverseTcpRstTotalCount, 29305/220
                8081 0004 00007ed9   # clientHandshakeMicroseconds, flowmond 129
                8082 0004 00007ed9   # serverHandshakeMicroseconds, 130
                8083 0004 00007ed9   # tcpRttMinMicroseconds, 131
                8084 0004 00007ed9   # tcpRttMeanMicroseconds, 132
                8085 0004 00007ed9   # tcpRttMaxMicroseconds, 133
                8086 0004 00007ed9   # sourceZeroWindowDeltaCount, 134
                8087 0004 00007ed9   # destinationZeroWindowDeltaCount, 135
                """)), Hex.of(out));
    }

    @Test
    void biflowRecordEndsWithTheHealthValues() throws Exception {
        ExportTemplates t = new ExportTemplates(BiflowMode.NPROBE, 32473);
        FlowRecord withHealth = tcp(HEALTH);
        assertEquals(Hex.of(Hex.parse("""
                0000000b   # CLIENT_NW_LATENCY_MS: 21000 us / 2 = 10.5 ms, sent as 11
                00000014   # SERVER_NW_LATENCY_MS: 40000 us / 2 = 20 ms
                00000003   # RETRANSMITTED_IN_PKTS (forward)
                000010f8   # RETRANSMITTED_IN_BYTES 4344
                00000002   # RETRANSMITTED_OUT_PKTS (reverse)
                00000b50   # RETRANSMITTED_OUT_BYTES 2896
                00000005   # OOORDER_IN_PKTS
                00000006   # OOORDER_OUT_PKTS
                0000000000000000   # tcpRstTotalCount (the source's)
                0000000000000001   # reverseTcpRstTotalCount (the destination's)
                00005208   # clientHandshakeMicroseconds 21000
                00009c40   # serverHandshakeMicroseconds 40000
                00000320   # tcpRttMinMicroseconds 800
                000003b6   # tcpRttMeanMicroseconds 950
                000004b0   # tcpRttMaxMicroseconds 1200
                00000007   # sourceZeroWindowDeltaCount
                00000008   # destinationZeroWindowDeltaCount
                """)), tail(t.flowIpv4, tcp(null), t.tcpFlowIpv4, withHealth));
        assertEquals(t.flowIpv4.encodedLength(tcp(null)) + 76, t.tcpFlowIpv4.encodedLength(withHealth));
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void recordsGrowByTheHealthFieldsOnly(BiflowMode mode) throws Exception {
        ExportTemplates t = new ExportTemplates(mode, 32473);
        int growth = mode == BiflowMode.UNIFLOWS ? 52 : 76;
        assertEquals(t.flowIpv4.fixedLength() + growth, t.tcpFlowIpv4.fixedLength());
        assertEquals(t.flowIpv6.fixedLength() + growth, t.tcpFlowIpv6.fixedLength());
        assertEquals(t.syscallIpv4.fixedLength() + 12, t.connectSyscallIpv4.fixedLength());
        assertEquals(t.syscallIpv6.fixedLength() + 12, t.connectSyscallIpv6.fixedLength());
        assertSame(t.tcpFlowIpv4, t.flowLayout(tcp(HEALTH)));
        assertSame(t.flowIpv4, t.flowLayout(tcp(null)), "TCP without health: the lean template");
        assertSame(t.flowIpv4, t.flowLayout(FlowRecordTest.base().protocol(17).build()));
    }

    @Test
    void uniflowRecordsCarryTheirOwnDirection() throws Exception {
        ExportTemplates t = new ExportTemplates(BiflowMode.UNIFLOWS, 32473);
        assertEquals(Hex.of(Hex.parse("""
                0000000b   # CLIENT_NW_LATENCY_MS: still the client's
                00000014   # SERVER_NW_LATENCY_MS
                00000002   # RETRANSMITTED_IN_PKTS: this record's source is the responder
                00000b50   # RETRANSMITTED_IN_BYTES 2896
                00000006   # OOORDER_IN_PKTS
                0000000000000001   # tcpRstTotalCount: the responder's
                00005208   # clientHandshakeMicroseconds
                00009c40   # serverHandshakeMicroseconds
                00000320 000003b6 000004b0   # RTT min, mean, max
                00000008   # sourceZeroWindowDeltaCount: the responder's
                """)), tail(t.flowIpv4, tcp(null).reversed(), t.tcpFlowIpv4, tcp(HEALTH).reversed()));
    }

    @Test
    void largeValuesSaturateFourOctetFields() throws Exception {
        ExportTemplates t = new ExportTemplates(BiflowMode.RFC5103, 32473);
        TcpHealth huge = new TcpHealth(1L << 40, 0, 0, 0, 0, 1L << 32, Long.MAX_VALUE, 0, 0, 0, 0, 1L << 33, 0, 0, 0);
        assertEquals(Hex.of(Hex.parse("""
                20c49ba6   # CLIENT_NW_LATENCY_MS: 2^40 us / 2000 = 549755813.9, sent as 549755814 (fits)
                00000000   # SERVER_NW_LATENCY_MS: not measured
                ffffffff ffffffff 00000000 00000000   # retransmitted in pkts, bytes (saturated), out pkts, bytes
                00000000 00000000   # out of order in, out
                0000000200000000 0000000000000000   # resets: 2^33 fits 8 octets
                ffffffff   # clientHandshakeMicroseconds 2^40: saturated
                00000000 00000000 00000000 00000000 00000000 00000000
                """)), tail(t.flowIpv4, tcp(null), t.tcpFlowIpv4, tcp(huge)));
    }

    @Test
    void nprobeLatencyIsHalfTheIntervalInWholeMilliseconds() {
        assertEquals(0, TcpHealthBinding.halfIntervalMillis(0));
        assertEquals(0, TcpHealthBinding.halfIntervalMillis(999));
        assertEquals(1, TcpHealthBinding.halfIntervalMillis(1000), "0.5 ms rounds up");
        assertEquals(10, TcpHealthBinding.halfIntervalMillis(20_999));
        assertEquals(11, TcpHealthBinding.halfIntervalMillis(21_000));
        assertEquals(Long.MAX_VALUE / 2000 + 1, TcpHealthBinding.halfIntervalMillis(Long.MAX_VALUE), "no overflow");
        assertEquals(10.5, HEALTH.clientNetworkLatencyMillis(), "nProbe's JSON: fractional ms");
        assertEquals(20.0, HEALTH.serverNetworkLatencyMillis());
    }

    @Test
    void healthOnlyOnTcpAndNeverNegative() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowRecordTest.base().protocol(17).tcpHealth(HEALTH).build());
        assertTrue(e.getMessage().contains("protocol 17"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TcpHealth(0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConnectHealth(1, -1, 0));
    }

    @Test
    void connectHealthAddsThreeFieldsToTheSyscallFlow() {
        ExportTemplates t = new ExportTemplates(BiflowMode.NPROBE, 32473);
        SyscallFlowRecord with = TestFlows.syscallFlowsWithConnectHealth(3).get(2);   // 20002, 15002, 2
        SyscallFlowRecord without = TestFlows.syscallFlows(3).get(2);
        assertSame(t.connectSyscallIpv4, t.syscallLayout(with));
        assertSame(t.syscallIpv4, t.syscallLayout(without));
        ByteBuf a = Unpooled.buffer();
        ByteBuf b = Unpooled.buffer();
        t.syscallIpv4.encode(without, a);
        t.connectSyscallIpv4.encode(with, b);
        assertEquals(a, b.slice(0, a.readableBytes()));
        assertEquals(Hex.of(Hex.parse("00004e22 00003a9a 00000002   # worst 20002 us, mean 15002 us, 2 retransmitted")),
                Hex.of(b.skipBytes(a.readableBytes())));
    }
}
