package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.OptionsTemplateSet;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The daemon health options template and one of its records, byte by byte. */
@UnitTest
class DaemonHealthGoldenTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final Template<DaemonHealth> TEMPLATE =
            Template.withId(DaemonHealthBinding.SPEC, 500, MODEL, new DaemonHealthBinding(4242));

    private static String encode(IpfixMessage m) {
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(m, out);
        return Hex.of(out.skipBytes(16));
    }

    @Test
    void optionsTemplateRecord() {
        String actual = encode(new IpfixMessage(0, 0, 0,
                List.of(new OptionsTemplateSet(List.of(TEMPLATE.optionsTemplateRecord())))));
        assertEquals(Hex.of(Hex.parse("""
                0003 0046          # options template set, 70 octets
                01f4 0008          # template 500, 8 fields
                0001               # 1 scope field
                0090 0004          # scope: exportingProcessId (144), 4
                806e 0008 00007ed9 # flowsActive: flowmond 110, PEN 32473
                806f 0008 00007ed9 # flowsExported: flowmond 111
                8070 0008 00007ed9 # droppedMapFull: flowmond 112
                8071 0008 00007ed9 # droppedRingBuffer: flowmond 113
                8072 0008 00007ed9 # droppedSendQueue: flowmond 114
                8073 0008 00007ed9 # droppedEventQueue: flowmond 115
                8074 0001 00007ed9 # probeVariant: flowmond 116, 1 octet
                """)), actual);
    }

    @Test
    void dataRecordWithUnsignedValuesBeyondJavasRange() {
        DaemonHealth health = new DaemonHealth(12, -1L /* 2^64-1 */, 3, 4, 5, 6, ProbeVariant.TRACEPOINT);
        String actual = encode(new IpfixMessage(0, 0, 0, List.of(new DataSet<>(TEMPLATE, List.of(health)))));
        assertEquals(Hex.of(Hex.parse("""
                01f4 0039          # data set of template 500, 57 octets
                00001092           # exportingProcessId 4242
                000000000000000c   # flowsActive 12
                ffffffffffffffff   # flowsExported 18446744073709551615
                0000000000000003   # droppedMapFull
                0000000000000004   # droppedRingBuffer
                0000000000000005   # droppedSendQueue
                0000000000000006   # droppedEventQueue
                03                 # probeVariant tracepoint
                """)), actual);
    }
}
