package org.flowmond.daemon.flow;

/** Why a flow record was exported: IPFIX {@code flowEndReason} (IE 136, RFC 7012 / RFC 5102). */
public enum EndReason {
    IDLE_TIMEOUT(1),
    ACTIVE_TIMEOUT(2),
    END_OF_FLOW(3),
    FORCED_END(4),
    LACK_OF_RESOURCES(5);

    private final int code;

    EndReason(int code) {
        this.code = code;
    }

    /** The IE 136 value. */
    public int code() {
        return code;
    }

    /** Lower-case name used in statistics keys and JSON, e.g. {@code idle-timeout}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
