package org.flowmond.ipfix;

import java.util.Locale;

/** Why a flow record was exported: IANA flowEndReason (element 136) values. */
public enum FlowEndReason {
    IDLE_TIMEOUT(1),
    ACTIVE_TIMEOUT(2),
    END_OF_FLOW(3),
    FORCED_END(4),
    LACK_OF_RESOURCES(5);

    private final int code;

    FlowEndReason(int code) {
        this.code = code;
    }

    /** The element 136 value. */
    public int code() {
        return code;
    }

    /** The name in lower case with hyphens, e.g. {@code idle-timeout}: how statistics keys and JSON name it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
