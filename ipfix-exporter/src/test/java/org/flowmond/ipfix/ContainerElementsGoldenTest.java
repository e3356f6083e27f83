package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.template.TemplateSpec;
import org.flowmond.ipfix.template.TypeRecords;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The container elements byte by byte: field specifiers, a data record, a type record. */
@UnitTest
class ContainerElementsGoldenTest {
    private static final InformationElements MODEL = ContainerSamples.MODEL;
    private static final ContainerSamples.Sides SAMPLE = ContainerSamples.SAMPLE;

    private static Template<ContainerSamples.Sides> template(int id) {
        return Template.withId(TemplateSpec.of("containers", ContainerSamples.FIELDS), id, MODEL,
                ContainerSamples::writer);
    }

    private static void assertBytes(String expected, ByteBuf actual) {
        assertEquals(Hex.of(Hex.parse(expected)), Hex.of(actual));
    }

    @Test
    void fieldSpecifiers() {
        assertEquals(List.of(
                        new FieldSpecifier(558, 16, 35632), new FieldSpecifier(559, 16, 35632),
                        new FieldSpecifier(119, 65535, 32473), new FieldSpecifier(120, 65535, 32473),
                        new FieldSpecifier(121, 65535, 32473), new FieldSpecifier(122, 65535, 32473),
                        new FieldSpecifier(123, 65535, 32473), new FieldSpecifier(124, 65535, 32473),
                        new FieldSpecifier(125, 4, 32473), new FieldSpecifier(126, 4, 32473),
                        new FieldSpecifier(127, 4, 32473)),
                template(400).fields());
    }

    @Test
    void dataRecord() {
        Template<ContainerSamples.Sides> t = template(400);
        ByteBuf out = Unpooled.buffer();
        t.encode(SAMPLE, out);
        assertEquals(t.encodedLength(SAMPLE), out.readableBytes());
        assertBytes("""
                32316133643031636561383164333332   # SRC_PROC_CONTAINER_ID: the first 16 of 64 characters
                396433653061376334316632 00000000  # DST_PROC_CONTAINER_ID: 12 characters, zero padded to 16
                06 706f646d616e                    # sourceContainerRuntime "podman"
                05 6372692d6f                      # destinationContainerRuntime "cri-o"
                00                                 # sourceSystemdUnit: none
                17 6372696f2d3964336530613763343166322e73636f7065   # destinationSystemdUnit, 23 octets
                00                                 # sourcePodUid: none
                24 31643064396335652d386137622d346333642d396532662d306131623263336434653566   # pod UID, 36
                f0000151                           # sourceNetnsInode 4026532177
                f00001cc                           # destinationNetnsInode 4026532300
                effffff9                           # observationNetnsInode 4026531833
                """, out);
    }

    @Test
    void typeRecord() {
        Template<InformationElement> types = Template.withId(TypeRecords.SPEC, 301, MODEL, TypeRecords.BINDING);
        ByteBuf out = Unpooled.buffer();
        types.encode(MODEL.byName("sourceSystemdUnit"), out);
        assertBytes("""
                00007ed9          # privateEnterpriseNumber 32473
                0079              # informationElementId 121
                0d                # data type string (13)
                00                # semantics default (0)
                0000              # units none
                0000000000000000  # range begin: none
                0000000000000000  # range end: none
                11 736f7572636553797374656d64556e6974   # name, 17 octets "sourceSystemdUnit"
                35 73797374656d6420756e6974206f662074686520636c69656e742070726f636573732028652e672e207373682e7365727669636529
                                  # description, 53 octets
                """, out);
    }

    @Test
    void otherElementsAreNotContainerElements() {
        assertNull(ContainerBinding.writerFor(MODEL.byName("SRC_PROC_PID"), ContainerSamples.Sides::source,
                ContainerSamples.Sides::destination));
    }
}
