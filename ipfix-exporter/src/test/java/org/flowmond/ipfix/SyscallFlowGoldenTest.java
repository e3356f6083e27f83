package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The syscall-flow template and one of its records, byte by byte. */
@UnitTest
class SyscallFlowGoldenTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final Template<SyscallFlowRecord> TEMPLATE =
            Template.withId(FlowTemplates.syscallFlow(4), 400, MODEL, new SyscallFlowBinding());

    private static String encode(IpfixMessage m) {
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(m, out);
        return Hex.of(out.skipBytes(16));
    }

    @Test
    void templateRecord() {
        String actual = encode(new IpfixMessage(0, 0, 0, List.of(new TemplateSet(List.of(TEMPLATE.templateRecord())))));
        assertEquals(Hex.of(Hex.parse("""
                0002 004c          # template set, 76 octets
                0190 000c          # template 400, 12 fields
                0098 0008          # flowStartMilliseconds (152)
                0099 0008          # flowEndMilliseconds (153)
                003c 0001          # ipVersion (60)
                0008 0004          # sourceIPv4Address (8)
                000c 0004          # destinationIPv4Address (12)
                000b 0002          # destinationTransportPort (11)
                0004 0001          # protocolIdentifier (4)
                8068 0004 00007ed9 # processId: flowmond 104, PEN 32473
                8069 0010 00007ed9 # processName: flowmond 105, 16 octets
                8067 0001 00007ed9 # syscallKind: flowmond 103
                8065 0008 00007ed9 # syscallCount: flowmond 101
                8066 0008 00007ed9 # meanTimeBetweenSyscalls: flowmond 102
                """)), actual);
    }

    @Test
    void dataRecord() {
        SyscallFlowRecord r = SyscallFlowRecord.builder()
                .process(4242, "curl")
                .kind(SyscallKind.CONNECT)
                .source(TestFlows.address("10.0.0.1"))
                .destination(TestFlows.address("10.0.0.2"))
                .port(443)
                .calls(3, 1500)
                .times(1_700_000_000_000L, 1_700_000_000_500L)
                .build();
        String actual = encode(new IpfixMessage(0, 0, 0, List.of(new DataSet<>(TEMPLATE, List.of(r)))));
        assertEquals(Hex.of(Hex.parse("""
                0190 0045          # data set of template 400, 69 octets
                0000018bcfe56800   # first call 1700000000000 ms
                0000018bcfe569f4   # last call  1700000000500 ms
                04                 # IPv4
                0a000001           # 10.0.0.1
                0a000002           # 10.0.0.2
                01bb               # port 443
                06                 # TCP
                00001092           # pid 4242
                6375726c 00000000 00000000 00000000  # "curl", zero padded to 16
                01                 # connect
                0000000000000003   # 3 calls
                00000000000005dc   # MTBS 1500 us
                """)), actual);
    }

    @Test
    void refusedConnectsCarryTheirOwnKind() {
        SyscallFlowRecord r = SyscallFlowRecord.builder()
                .process(4242, "curl")
                .kind(SyscallKind.CONNECT_REFUSED)
                .source(TestFlows.address("10.0.0.1"))
                .destination(TestFlows.address("10.0.0.2"))
                .port(9)
                .calls(20, 250_000)
                .times(1_700_000_000_000L, 1_700_000_004_750L)
                .build();
        String actual = encode(new IpfixMessage(0, 0, 0, List.of(new DataSet<>(TEMPLATE, List.of(r)))));
        assertEquals(Hex.of(Hex.parse("""
                0190 0045          # data set of template 400, 69 octets
                0000018bcfe56800   # first call 1700000000000 ms
                0000018bcfe57a8e   # last call  1700000004750 ms
                04                 # IPv4
                0a000001           # 10.0.0.1
                0a000002           # 10.0.0.2
                0009               # port 9
                06                 # TCP
                00001092           # pid 4242
                6375726c 00000000 00000000 00000000  # "curl", zero padded to 16
                06                 # connect refused
                0000000000000014   # 20 calls
                000000000003d090   # MTBS 250000 us
                """)), actual);
    }

    @Test
    void everyKindKeepsItsCode() {
        int[] codes = new int[SyscallKind.values().length];
        for (SyscallKind k : SyscallKind.values()) {
            codes[k.ordinal()] = k.code();
        }
        assertEquals("[1, 2, 3, 4, 5, 6, 7, 8, 9]", java.util.Arrays.toString(codes));
        assertEquals(List.of("CONNECT", "ACCEPT", "EXISTING", "SEND", "RECEIVE", "CONNECT_REFUSED", "CONNECT_TIMED_OUT",
                "CONNECT_UNREACHABLE", "CONNECT_FAILED"), java.util.Arrays.stream(SyscallKind.values()).map(Enum::name).toList());
    }
}
