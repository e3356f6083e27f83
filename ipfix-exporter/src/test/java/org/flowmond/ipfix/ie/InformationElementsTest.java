package org.flowmond.ipfix.ie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class InformationElementsTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);

    @Test
    void ntopElementIdsAreNetflowIdsMinusNtopBaseId() {
        // ntopng include/ntop_flow.h: NTOP_BASE_ID 57472; NetFlow v9 ids from ../shared/interop.md
        Map<String, Integer> v9 = Map.ofEntries(
                Map.entry("SRC_PROC_PID", 57640), Map.entry("SRC_PROC_NAME", 57641),
                Map.entry("SRC_PROC_USER_NAME", 57844), Map.entry("SRC_FATHER_PROC_PID", 57845),
                Map.entry("SRC_FATHER_PROC_NAME", 57846), Map.entry("DST_PROC_PID", 57847),
                Map.entry("DST_PROC_NAME", 57848), Map.entry("DST_PROC_USER_NAME", 57849),
                Map.entry("DST_FATHER_PROC_PID", 57850), Map.entry("DST_FATHER_PROC_NAME", 57851),
                Map.entry("SRC_PROC_UID", 57897), Map.entry("DST_PROC_UID", 57898),
                // nProbe's agent mode documentation: [58030][Len 16] %SRC_PROC_CONTAINER_ID, [58031] DST
                Map.entry("SRC_PROC_CONTAINER_ID", 58030), Map.entry("DST_PROC_CONTAINER_ID", 58031));
        assertEquals(v9.size(), NtopElements.ALL.size());
        v9.forEach((name, id) -> {
            InformationElement ie = MODEL.byName(name);
            assertEquals(id - 57472, ie.id(), name);
            assertEquals(35632, ie.enterpriseNumber(), name);
            assertEquals(name.endsWith("NAME") || name.endsWith("CONTAINER_ID") ? 16 : 4, ie.length(), name + ": nProbe's fixed length");
        });
    }

    @Test
    void containerElementsKeepTheirIdsAndTypes() {
        Map<String, Integer> ids = Map.of("sourceContainerRuntime", 119, "destinationContainerRuntime", 120,
                "sourceSystemdUnit", 121, "destinationSystemdUnit", 122, "sourcePodUid", 123,
                "destinationPodUid", 124, "sourceNetnsInode", 125, "destinationNetnsInode", 126,
                "observationNetnsInode", 127);
        ids.forEach((name, id) -> {
            InformationElement ie = MODEL.byName(name);
            assertEquals(id, ie.id(), name);
            assertEquals(32473, ie.enterpriseNumber(), name);
            if (name.endsWith("NetnsInode")) {
                assertEquals(DataType.UNSIGNED32, ie.type(), name + ": the kernel's ns inode is 32 bits");
            } else {
                assertEquals(DataType.STRING, ie.type(), name);
                assertTrue(ie.isVariableLength(), name);
            }
        });
        assertEquals(DataType.STRING, MODEL.byName("SRC_PROC_CONTAINER_ID").type());
    }

    @Test
    void reverseElementsAreTheIanaIdUnderPen29305() {
        InformationElement reverse = MODEL.byName("reverseOctetDeltaCount");
        assertEquals(1, reverse.id());
        assertEquals(29305, reverse.enterpriseNumber());
        assertEquals(DataType.UNSIGNED64, reverse.type());
    }

    @Test
    void flowmondElementsFollowTheConfiguredEnterpriseNumber() {
        InformationElements other = InformationElements.withFlowmondEnterprise(4242);
        assertEquals(4242, other.byName("syscallCount").enterpriseNumber());
        assertEquals(32473, MODEL.byName("syscallCount").enterpriseNumber());
        assertThrows(IllegalArgumentException.class, () -> InformationElements.withFlowmondEnterprise(35632));
    }

    @Test
    void unknownNamesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MODEL.byName("octetCount"));
        assertTrue(e.getMessage().contains("octetCount"));
    }

    @Test
    void lengthsMustFitTheType() {
        assertThrows(IllegalArgumentException.class, () -> new InformationElement("x", 0, 1,
                DataType.IPV4_ADDRESS, Semantics.DEFAULT, Units.NONE, 16, ""));
        assertThrows(IllegalArgumentException.class, () -> new InformationElement("x", 0, 1,
                DataType.UNSIGNED32, Semantics.DEFAULT, Units.NONE, 8, ""));
        new InformationElement("x", 0, 1, DataType.UNSIGNED64, Semantics.DEFAULT, Units.NONE, 4, "");
    }
}
