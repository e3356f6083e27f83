package org.flowmond.ipfix.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class TemplateIdsTest {
    @Test
    void sameContentSameIdChangedContentNewId() {
        List<FieldSpecifier> fields = List.of(new FieldSpecifier(8, 4, 0), new FieldSpecifier(12, 4, 0));
        int id = TemplateIds.idFor(0, fields);
        assertEquals(id, TemplateIds.idFor(0, List.copyOf(fields)));
        assertNotEquals(id, TemplateIds.idFor(0, List.of(new FieldSpecifier(8, 4, 0))));
        assertNotEquals(id, TemplateIds.idFor(1, fields), "an options template is different content");
        assertNotEquals(id, TemplateIds.idFor(0, List.of(new FieldSpecifier(8, 4, 0), new FieldSpecifier(12, 4, 1))),
                "a changed enterprise number is a changed template");
        assertTrue(id >= 256 && id <= 65535);
    }

    @Test
    void manyDifferentTemplatesNeverShareAnId() {
        Set<Integer> ids = new HashSet<>();
        for (int i = 1; i <= 2000; i++) {
            ids.add(TemplateIds.idFor(0, List.of(new FieldSpecifier(i % 32767 + 1, 4, i))));
        }
        assertEquals(2000, ids.size());
    }
}
