package org.flowmond.bpf.api;

/**
 * Which call a socket event reports ({@code enum sock_event_kind} in flowmon.h). Each constant
 * carries its kernel code; decoding goes by code, never by position.
 */
public enum SocketEventKind {
    /** The process called connect(). */
    CONNECT(1),
    /** The process accepted the connection. */
    ACCEPT(2),
    /** The socket already existed when flowmond started; found by a scan. */
    EXISTING(3);

    private final int code;

    SocketEventKind(int code) {
        this.code = code;
    }

    /** The kernel's code of this kind. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for a code flowmon.h does not define */
    public static SocketEventKind fromCode(int code) {
        for (SocketEventKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown sock_event kind " + code);
    }
}
