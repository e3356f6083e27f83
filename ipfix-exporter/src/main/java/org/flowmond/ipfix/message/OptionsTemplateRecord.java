package org.flowmond.ipfix.message;

import java.util.List;

/**
 * An Options Template Record (RFC 7011 section 3.4.2.2): like a template, but the first
 * {@code scopeFieldCount} fields are scope fields that say what the options data describe.
 *
 * @param templateId      256..65535
 * @param scopeFieldCount 1..number of fields
 */
public record OptionsTemplateRecord(int templateId, int scopeFieldCount, List<FieldSpecifier> fields) {

    public OptionsTemplateRecord {
        TemplateRecord.checkTemplateId(templateId);
        fields = List.copyOf(fields);
        if (scopeFieldCount < 1 || scopeFieldCount > fields.size()) {
            throw new IllegalArgumentException("scope field count must be 1.." + fields.size() + ": " + scopeFieldCount);
        }
    }

    /** Octets on the wire: 6-octet record header plus the field specifiers. */
    public int encodedLength() {
        int length = 6;
        for (FieldSpecifier f : fields) {
            length += f.encodedLength();
        }
        return length;
    }
}
