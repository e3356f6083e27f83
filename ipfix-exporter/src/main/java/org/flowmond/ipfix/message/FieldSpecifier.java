package org.flowmond.ipfix.message;

import org.flowmond.ipfix.ie.InformationElement;

/**
 * A Field Specifier (RFC 7011 section 3.2): element id, field length and, for enterprise
 * elements, the enterprise number. On the wire the enterprise bit is the top bit of the id.
 *
 * @param elementId        the element identifier, 1..32767 (without the enterprise bit)
 * @param length           the field length, or 65535 for variable length (section 7)
 * @param enterpriseNumber 0 for IANA elements
 */
public record FieldSpecifier(int elementId, int length, long enterpriseNumber) {

    public FieldSpecifier {
        if (elementId < 1 || elementId > 0x7FFF) {
            throw new IllegalArgumentException("element id must be 1..32767: " + elementId);
        }
        if (length < 0 || length > 0xFFFF) {
            throw new IllegalArgumentException("field length must be 0..65535: " + length);
        }
        if (enterpriseNumber < 0 || enterpriseNumber > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("enterprise number out of unsigned32 range: " + enterpriseNumber);
        }
    }

    public static FieldSpecifier of(InformationElement ie) {
        return new FieldSpecifier(ie.id(), ie.length(), ie.enterpriseNumber());
    }

    public boolean isEnterprise() {
        return enterpriseNumber != 0;
    }

    /** 4 octets, or 8 with the enterprise number. */
    public int encodedLength() {
        return isEnterprise() ? 8 : 4;
    }
}
