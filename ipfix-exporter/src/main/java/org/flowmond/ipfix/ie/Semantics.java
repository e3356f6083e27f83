package org.flowmond.ipfix.ie;

/** Data type semantics (RFC 7012 section 3.2), codes from IANA's registry as used by RFC 5610. */
public enum Semantics {
    DEFAULT(0),
    QUANTITY(1),
    TOTAL_COUNTER(2),
    DELTA_COUNTER(3),
    IDENTIFIER(4),
    FLAGS(5);

    private final int code;

    Semantics(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
