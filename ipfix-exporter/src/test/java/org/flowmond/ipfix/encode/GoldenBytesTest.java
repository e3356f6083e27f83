package org.flowmond.ipfix.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.OptionsTemplateRecord;
import org.flowmond.ipfix.message.OptionsTemplateSet;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.ipfix.template.StatisticsRecord;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.template.TypeRecords;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Each RFC 7011 structure against bytes written out by hand from the RFC. */
@UnitTest
class GoldenBytesTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);

    private static void assertBytes(String expected, ByteBuf actual) {
        assertEquals(Hex.of(Hex.parse(expected)), Hex.of(actual));
    }

    @Test
    void ianaFieldSpecifierHasNoEnterpriseNumber() {
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.encodeFieldSpecifier(new FieldSpecifier(8, 4, 0), out);
        assertBytes("0008 0004   # sourceIPv4Address, 4 octets", out);
    }

    @Test
    void enterpriseFieldSpecifierSetsTheTopBitAndCarriesThePen() {
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.encodeFieldSpecifier(new FieldSpecifier(169, 16, 35632), out);
        assertBytes("""
                80a9        # 0x8000 | 169 (SRC_PROC_NAME)
                0010        # 16 octets
                00008b30    # PEN 35632 (ntop)
                """, out);
    }

    @Test
    void variableLengthFieldSpecifier() {
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.encodeFieldSpecifier(FieldSpecifier.of(MODEL.byName("informationElementName")), out);
        assertBytes("0155 ffff   # 341, variable length (65535)", out);
    }

    @Test
    void messageWithATemplateSet() {
        TemplateRecord template = new TemplateRecord(256, List.of(
                new FieldSpecifier(8, 4, 0), new FieldSpecifier(168, 4, 35632)));
        IpfixMessage message = new IpfixMessage(0x6553F100L, 7, 1, List.of(new TemplateSet(List.of(template))));
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(message, out);
        assertBytes("""
                000a 0024   # version 10, message length 36
                6553f100    # export time
                00000007    # sequence number
                00000001    # observation domain 1
                0002 0014   # template set (id 2), 20 octets
                0100 0002   # template 256, 2 fields
                0008 0004   # sourceIPv4Address, 4
                80a8 0004 00008b30  # SRC_PROC_PID (ntop 168), 4
                """, out);
        assertEquals(message.encodedLength(), out.readableBytes());
    }

    @Test
    void optionsTemplateSetCarriesTheScopeCount() {
        Template<StatisticsRecord> stats = Template.withId(StatisticsRecord.SPEC, 300, MODEL,
                StatisticsRecord.BINDING);
        OptionsTemplateRecord record = stats.optionsTemplateRecord();
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(new IpfixMessage(0, 0, 0,
                List.of(new OptionsTemplateSet(List.of(record)))), out);
        out.skipBytes(16);
        assertBytes("""
                0003 0032   # options template set (id 3), 50 octets
                012c 0008   # template 300, 8 fields
                0001        # 1 scope field
                0095 0004   # scope: observationDomainId (149), 4
                0029 0008   # exportedMessageTotalCount (41), 8
                002a 0008   # exportedFlowRecordTotalCount (42), 8
                0028 0008   # exportedOctetTotalCount (40), 8
                00a6 0008   # notSentFlowTotalCount (166), 8
                00a4 0008   # ignoredPacketTotalCount (164), 8
                80750008 00007ed9  # icmpErrorCount (enterprise bit + 117), 8, PEN 32473
                80760008 00007ed9  # refusedFlowCount (enterprise bit + 118), 8, PEN 32473
                """, out);
    }

    @Test
    void statisticsDataRecordWithUnsignedValuesBeyondJavasRange() {
        Template<StatisticsRecord> stats = Template.withId(StatisticsRecord.SPEC, 300, MODEL,
                StatisticsRecord.BINDING);
        StatisticsRecord record = new StatisticsRecord(0xFFFF_FFFFL, 2, 3, -1L /* 2^64-1 */, 5, 6, 7, 8);
        ByteBuf out = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(new IpfixMessage(0, 0, 0,
                List.of(new DataSet<>(stats, List.of(record)))), out);
        out.skipBytes(16);
        assertBytes("""
                012c 0040             # data set for template 300, 64 octets
                ffffffff              # observationDomainId 4294967295
                0000000000000002      # messages
                0000000000000003      # flow records
                ffffffffffffffff      # octets 18446744073709551615
                0000000000000005      # not sent
                0000000000000006      # ignored packets
                0000000000000007      # ICMP errors
                0000000000000008      # refused flow records
                """, out);
    }

    @Test
    void typeRecordForAnEnterpriseElement() {
        Template<InformationElement> types = Template.withId(TypeRecords.SPEC, 301, MODEL, TypeRecords.BINDING);
        InformationElement mtbs = MODEL.byName("meanTimeBetweenSyscalls");
        ByteBuf out = Unpooled.buffer();
        types.encode(mtbs, out);
        assertEquals(types.encodedLength(mtbs), out.readableBytes());
        assertBytes("""
                00007ed9          # privateEnterpriseNumber 32473
                0066              # informationElementId 102
                04                # data type unsigned64 (4)
                01                # semantics quantity (1)
                0007              # units microseconds (7)
                0000000000000000  # range begin: none
                0000000000000000  # range end: none
                17 6d65616e54696d654265747765656e53797363616c6c73   # name, 23 octets "meanTimeBetweenSyscalls"
                36 6d65616e2074696d65206265747765656e20636f6e7365637574697665
                   2063616c6c73206f662074686520666c6f7720284d54425329   # description, 54 octets
                """, out);
    }

    @Test
    void typeRecordsTemplateIsTheOneLibfixbufRecognises() {
        Template<InformationElement> types = TypeRecords.template(MODEL);
        assertEquals(List.of("privateEnterpriseNumber", "informationElementId", "informationElementDataType",
                        "informationElementSemantics", "informationElementUnits", "informationElementRangeBegin",
                        "informationElementRangeEnd", "informationElementName", "informationElementDescription"),
                types.elements().stream().map(InformationElement::name).toList());
        assertEquals(2, types.scopeFieldCount());
    }
}
