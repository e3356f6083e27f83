package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.template.Template;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@UnitTest
class TemplatesTest {
    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void everyElementOfEveryTemplateResolvesAndFitsItsType(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        Set<Integer> ids = new HashSet<>();
        for (Template<?> t : templates.all()) {
            assertTrue(ids.add(t.templateId()), "template ids are distinct: " + t);
            for (InformationElement ie : t.elements()) {
                assertEquals(ie, templates.model.byName(ie.name()), "resolves by name");
                assertTrue(ie.type().allowsLength(ie.length()), ie + " length " + ie.length());
            }
            // fixed-length data records must fit the smallest message we allow (IPv6 at the minimum MTU)
            assertTrue(IpfixMessage.HEADER_LENGTH + 4 + t.fixedLength() <= ExporterSettings.MIN_MTU - 48, t.name());
        }
    }

    @Test
    void announcementSendsTypeRecordsBeforeTheTemplatesThatUseThem() {
        ExportTemplates templates = new ExportTemplates(BiflowMode.NPROBE, 32473);
        List<Integer> setIds = templates.announcement(1472, 1, () -> 1).stream()
                .flatMap(m -> m.sets().stream()).map(s -> s.setId()).toList();
        int typeRecords = setIds.indexOf(templates.typeRecords.templateId());
        assertEquals(3, setIds.get(0), "the type records' options template first");
        assertEquals(1, typeRecords, "then the type records: " + setIds);
        int lastTypeRecords = setIds.lastIndexOf(templates.typeRecords.templateId());
        // libfixbuf resolves an enterprise element when it reads the template that uses it
        assertEquals(List.of(3, 3), setIds.subList(lastTypeRecords + 1, lastTypeRecords + 3),
                "the statistics and daemon health templates after the type records of their elements: " + setIds);
        assertTrue(setIds.indexOf(2) > lastTypeRecords + 2, setIds.toString());
    }

    @Test
    void aChangedTemplateGetsANewId() {
        ExportTemplates nprobe = new ExportTemplates(BiflowMode.NPROBE, 32473);
        ExportTemplates rfc = new ExportTemplates(BiflowMode.RFC5103, 32473);
        ExportTemplates otherPen = new ExportTemplates(BiflowMode.NPROBE, 4242);
        assertNotEquals(nprobe.flowIpv4.templateId(), rfc.flowIpv4.templateId());
        assertNotEquals(nprobe.flowIpv4.templateId(), otherPen.flowIpv4.templateId());
        assertEquals(nprobe.flowIpv4.templateId(), new ExportTemplates(BiflowMode.NPROBE, 32473).flowIpv4.templateId(),
                "the same template keeps its id");
        assertEquals(nprobe.syscallIpv4.templateId(), rfc.syscallIpv4.templateId());
    }

    @Test
    void flowTemplatesCarryTheBiflowModesElements() {
        List<String> rfc = names(new ExportTemplates(BiflowMode.RFC5103, 32473).flowIpv6);
        List<String> nprobe = names(new ExportTemplates(BiflowMode.NPROBE, 32473).flowIpv4);
        List<String> uni = names(new ExportTemplates(BiflowMode.UNIFLOWS, 32473).flowIpv4);
        assertTrue(rfc.containsAll(List.of("reverseOctetDeltaCount", "reversePacketDeltaCount", "sourceIPv6Address")));
        assertTrue(nprobe.containsAll(List.of("postOctetDeltaCount", "postPacketDeltaCount", "SRC_PROC_NAME")));
        assertTrue(uni.stream().noneMatch(n -> n.startsWith("reverse") || n.startsWith("post")));
    }

    private static List<String> names(Template<?> t) {
        return t.elements().stream().map(InformationElement::name).toList();
    }
}
