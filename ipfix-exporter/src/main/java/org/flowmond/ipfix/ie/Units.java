package org.flowmond.ipfix.ie;

/** Units of an element, codes from IANA's "IPFIX Information Element Units" registry (RFC 5610). */
public enum Units {
    NONE(0),
    BITS(1),
    OCTETS(2),
    PACKETS(3),
    FLOWS(4),
    SECONDS(5),
    MILLISECONDS(6),
    MICROSECONDS(7),
    NANOSECONDS(8),
    MESSAGES(10);

    private final int code;

    Units(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
