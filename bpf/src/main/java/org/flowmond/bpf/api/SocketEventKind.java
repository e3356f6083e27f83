package org.flowmond.bpf.api;

/** How a TCP connection was attributed to a process. Matches {@code enum sock_event_kind}. */
public enum SocketEventKind {
    /** The process called connect(). */
    CONNECT,
    /** The process accepted the connection. */
    ACCEPT,
    /** The socket already existed when flowmond started; found by a scan. */
    EXISTING;

    public static SocketEventKind fromCode(int code) {
        return switch (code) {
            case 1 -> CONNECT;
            case 2 -> ACCEPT;
            case 3 -> EXISTING;
            default -> throw new IllegalArgumentException("unknown sock_event kind " + code);
        };
    }
}
