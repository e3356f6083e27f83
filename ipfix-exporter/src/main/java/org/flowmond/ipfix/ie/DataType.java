package org.flowmond.ipfix.ie;

/**
 * IPFIX abstract data types (RFC 7012 section 3.1) with their codes from IANA's
 * "IPFIX Information Element Data Types" registry, as carried in RFC 5610 type records.
 */
public enum DataType {
    OCTET_ARRAY(0, "octetArray", Kind.VARIABLE, 0),
    UNSIGNED8(1, "unsigned8", Kind.INTEGER, 1),
    UNSIGNED16(2, "unsigned16", Kind.INTEGER, 2),
    UNSIGNED32(3, "unsigned32", Kind.INTEGER, 4),
    UNSIGNED64(4, "unsigned64", Kind.INTEGER, 8),
    SIGNED8(5, "signed8", Kind.INTEGER, 1),
    SIGNED16(6, "signed16", Kind.INTEGER, 2),
    SIGNED32(7, "signed32", Kind.INTEGER, 4),
    SIGNED64(8, "signed64", Kind.INTEGER, 8),
    FLOAT32(9, "float32", Kind.FIXED, 4),
    FLOAT64(10, "float64", Kind.FLOAT64, 8),
    BOOLEAN(11, "boolean", Kind.FIXED, 1),
    MAC_ADDRESS(12, "macAddress", Kind.FIXED, 6),
    STRING(13, "string", Kind.VARIABLE, 0),
    DATE_TIME_SECONDS(14, "dateTimeSeconds", Kind.FIXED, 4),
    DATE_TIME_MILLISECONDS(15, "dateTimeMilliseconds", Kind.FIXED, 8),
    DATE_TIME_MICROSECONDS(16, "dateTimeMicroseconds", Kind.FIXED, 8),
    DATE_TIME_NANOSECONDS(17, "dateTimeNanoseconds", Kind.FIXED, 8),
    IPV4_ADDRESS(18, "ipv4Address", Kind.FIXED, 4),
    IPV6_ADDRESS(19, "ipv6Address", Kind.FIXED, 16);

    /** How a type constrains the length a template may give it. */
    private enum Kind {
        /** Reduced-size encoding allowed: 1 up to the natural length (RFC 7011 section 6.2). */
        INTEGER,
        /** float64 may be reduced to float32 (RFC 7011 section 6.2). */
        FLOAT64,
        /** Exactly the natural length. */
        FIXED,
        /** Any length, or variable length on the wire (RFC 7011 section 7). */
        VARIABLE
    }

    /** The length that announces variable-length encoding in a field specifier (RFC 7011 section 7). */
    public static final int VARIABLE_LENGTH = 65535;

    private final int code;
    private final String ianaName;
    private final Kind kind;
    private final int naturalLength;

    DataType(int code, String ianaName, Kind kind, int naturalLength) {
        this.code = code;
        this.ianaName = ianaName;
        this.kind = kind;
        this.naturalLength = naturalLength;
    }

    /** The IANA code, as in {@code informationElementDataType} (RFC 5610). */
    public int code() {
        return code;
    }

    public String ianaName() {
        return ianaName;
    }

    /** The length without reduced-size encoding; 0 for types without one (strings, octet arrays). */
    public int naturalLength() {
        return naturalLength;
    }

    public boolean isVariable() {
        return kind == Kind.VARIABLE;
    }

    /** Whether a template may declare this type with {@code length} octets. */
    public boolean allowsLength(int length) {
        return switch (kind) {
            case INTEGER -> length >= 1 && length <= naturalLength;
            case FLOAT64 -> length == 4 || length == 8;
            case FIXED -> length == naturalLength;
            case VARIABLE -> length >= 0 && length <= VARIABLE_LENGTH;
        };
    }
}
