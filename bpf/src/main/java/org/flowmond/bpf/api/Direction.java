package org.flowmond.bpf.api;

/**
 * Which TC hook saw a packet ({@code enum flowmon_direction} in flowmon.h). Each constant carries
 * its kernel code; decoding goes by code, never by position.
 */
public enum Direction {
    INGRESS(0),
    EGRESS(1);

    private final int code;

    Direction(int code) {
        this.code = code;
    }

    /** The kernel's code: the {@code direction} byte of a {@code struct flow_key}. */
    public int code() {
        return code;
    }

    public Direction opposite() {
        return this == INGRESS ? EGRESS : INGRESS;
    }

    /** @throws IllegalArgumentException for a code flowmon.h does not define */
    public static Direction fromCode(int code) {
        for (Direction d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown direction code " + code);
    }
}
