package org.flowmond.ipfix;

/** IANA biflowDirection (element 239, RFC 5103 section 6.3): which side opened the biflow. */
public enum BiflowDirection {
    /** Source and destination are in no particular order. */
    ARBITRARY(0),
    /** The source opened the connection. */
    INITIATOR(1),
    /** The destination opened the connection. */
    REVERSE_INITIATOR(2),
    /** The source is inside the observed network. */
    PERIMETER(3);

    private final int code;

    BiflowDirection(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The direction of the same biflow with source and destination swapped. */
    public BiflowDirection swapped() {
        return switch (this) {
            case INITIATOR -> REVERSE_INITIATOR;
            case REVERSE_INITIATOR -> INITIATOR;
            default -> this;
        };
    }
}
