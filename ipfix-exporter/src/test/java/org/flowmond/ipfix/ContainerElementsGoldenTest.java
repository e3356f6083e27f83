package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.template.FieldWriter;
import org.flowmond.ipfix.template.FieldWriters;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.template.TemplateSpec;
import org.flowmond.ipfix.template.TypeRecords;
import org.flowmond.ipfix.testing.Hex;
import org.junit.jupiter.api.Test;

/** The container elements byte by byte: field specifiers, a data record, a type record. */
class ContainerElementsGoldenTest {
    static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);

    /** Both sides of a flow and the namespace its packets were counted in. */
    record Sides(ContainerInfo source, ContainerInfo destination, long observationNetnsInode) {
    }

    static final List<String> FIELDS = List.of("SRC_PROC_CONTAINER_ID", "DST_PROC_CONTAINER_ID",
            "sourceContainerRuntime", "destinationContainerRuntime", "sourceSystemdUnit", "destinationSystemdUnit",
            "sourcePodUid", "destinationPodUid", "sourceNetnsInode", "destinationNetnsInode", "observationNetnsInode");

    static FieldWriter<Sides> writer(InformationElement ie) {
        if (ie.name().equals("observationNetnsInode")) {
            return FieldWriters.unsigned(ie.length(), Sides::observationNetnsInode);
        }
        FieldWriter<Sides> w = ContainerBinding.writerFor(ie, Sides::source, Sides::destination);
        if (w == null) {
            throw new IllegalArgumentException("no value for " + ie.name());
        }
        return w;
    }

    static Template<Sides> template(int id) {
        return Template.withId(TemplateSpec.of("containers", FIELDS), id, MODEL, ContainerElementsGoldenTest::writer);
    }

    /** A Podman container (host cgroupfs layout) talking to a CRI-O container in a Kubernetes pod. */
    static final Sides SAMPLE = new Sides(
            new ContainerInfo("21a3d01cea81d3327da41e1cf92fa3a1f14ecbd75e4f1a74bf616b63d3138a8c", "podman", "", "",
                    4026532177L),
            new ContainerInfo("9d3e0a7c41f2", "cri-o", "crio-9d3e0a7c41f2.scope",
                    "1d0d9c5e-8a7b-4c3d-9e2f-0a1b2c3d4e5f", 4026532300L),
            4026531833L);

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
        Template<Sides> t = template(400);
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
        assertNull(ContainerBinding.writerFor(MODEL.byName("SRC_PROC_PID"), Sides::source, Sides::destination));
    }
}
