package org.flowmond.ipfix.ie;

import java.util.Objects;

/**
 * One IPFIX Information Element (RFC 7012 section 2): its name, number, type and the length
 * flowmond uses for it in templates.
 *
 * @param name             the unique name templates refer to it by (IANA's name, or ntop's)
 * @param enterpriseNumber 0 for IANA elements, otherwise the private enterprise number (PEN)
 * @param id               the element identifier, 1..32767
 * @param type             the abstract data type
 * @param semantics        the data type semantics
 * @param units            the units, {@link Units#NONE} when it has none
 * @param length           the field length flowmond declares in templates; for strings either a fixed
 *                         length (padded with zero octets, as nProbe sends them) or
 *                         {@link DataType#VARIABLE_LENGTH}
 * @param description      a one-line description, sent in RFC 5610 type records
 */
public record InformationElement(String name, long enterpriseNumber, int id, DataType type, Semantics semantics,
                                 Units units, int length, String description) {

    public InformationElement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(semantics, "semantics");
        Objects.requireNonNull(units, "units");
        Objects.requireNonNull(description, "description");
        if (enterpriseNumber < 0 || enterpriseNumber > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + ": enterprise number out of unsigned32 range: " + enterpriseNumber);
        }
        if (id < 1 || id > 0x7FFF) {
            throw new IllegalArgumentException(name + ": element id must be 1..32767: " + id);
        }
        if (!type.allowsLength(length)) {
            throw new IllegalArgumentException(name + ": length " + length + " does not fit type " + type.ianaName());
        }
    }

    /** An element whose template length is the natural length of its type. */
    public static InformationElement of(String name, long enterpriseNumber, int id, DataType type,
                                        Semantics semantics, Units units, String description) {
        return new InformationElement(name, enterpriseNumber, id, type, semantics, units, type.naturalLength(),
                description);
    }

    public boolean isEnterprise() {
        return enterpriseNumber != 0;
    }

    public boolean isVariableLength() {
        return length == DataType.VARIABLE_LENGTH;
    }

    /** "name(PEN/id)" for messages. */
    @Override
    public String toString() {
        return name + "(" + enterpriseNumber + "/" + id + ")";
    }
}
