package org.flowmond.bpf.api;

/** Which TC hook saw a packet. Matches {@code enum flowmon_direction} in flowmon.h. */
public enum Direction {
    INGRESS,
    EGRESS;

    /** @param code the {@code direction} byte of a {@code struct flow_key} */
    public static Direction fromCode(int code) {
        return switch (code) {
            case 0 -> INGRESS;
            case 1 -> EGRESS;
            default -> throw new IllegalArgumentException("unknown direction code " + code);
        };
    }
}
