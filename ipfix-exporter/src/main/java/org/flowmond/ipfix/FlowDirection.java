package org.flowmond.ipfix;

/** IANA flowDirection (element 61): whether the record's packets entered or left the host. */
public enum FlowDirection {
    INGRESS(0),
    EGRESS(1);

    private final int code;

    FlowDirection(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public FlowDirection opposite() {
        return this == INGRESS ? EGRESS : INGRESS;
    }
}
