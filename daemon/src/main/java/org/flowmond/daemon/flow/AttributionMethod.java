package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.SocketEventKind;

/**
 * How the process on one side of a biflow was found. The code is what flowmond exports in its
 * own "attribution method" element (and matches {@code enum sock_event_kind} for 1..3).
 */
public enum AttributionMethod {
    /** No connect, accept or start-up scan matched this side. */
    NONE(0),
    /** The process called connect() (it is the client). */
    CONNECT(1),
    /** The process accepted the connection (it is the server). */
    ACCEPT(2),
    /** The socket existed when flowmond started and was found by a scan. */
    EXISTING(3);

    private final int code;

    AttributionMethod(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AttributionMethod of(SocketEventKind kind) {
        return switch (kind) {
            case CONNECT -> CONNECT;
            case ACCEPT -> ACCEPT;
            case EXISTING -> EXISTING;
        };
    }
}
