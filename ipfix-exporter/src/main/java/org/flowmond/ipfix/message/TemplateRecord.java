package org.flowmond.ipfix.message;

import java.util.List;

/**
 * A Template Record (RFC 7011 section 3.4.1): template id and the field specifiers, in order.
 *
 * @param templateId 256..65535
 */
public record TemplateRecord(int templateId, List<FieldSpecifier> fields) {

    public TemplateRecord {
        checkTemplateId(templateId);
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a template needs at least one field");
        }
    }

    static void checkTemplateId(int templateId) {
        if (templateId < 256 || templateId > 0xFFFF) {
            throw new IllegalArgumentException("template id must be 256..65535: " + templateId);
        }
    }

    /** Octets on the wire: 4-octet record header plus the field specifiers. */
    public int encodedLength() {
        int length = 4;
        for (FieldSpecifier f : fields) {
            length += f.encodedLength();
        }
        return length;
    }
}
