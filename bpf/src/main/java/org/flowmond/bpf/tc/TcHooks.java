package org.flowmond.bpf.tc;

/** Which clsact hooks of an interface to count on. */
public enum TcHooks {
    INGRESS,
    EGRESS,
    BOTH;

    boolean ingress() {
        return this != EGRESS;
    }

    boolean egress() {
        return this != INGRESS;
    }
}
