package org.flowmond.bpf.api;

/**
 * How a connect ended ({@code enum connect_outcome} in flowmon.h), for {@link SocketEvent}s of kind
 * {@link SocketEventKind#CONNECT} made by hooks that see the handshake's end. {@link #NONE} for
 * accepts, sockets found at start-up, and probe variants that report a connect when the SYN is sent.
 */
public enum ConnectOutcome {
    /** Not a connect, or not known by this probe variant (the SYN was sent). */
    NONE(0),
    /** The handshake completed. */
    ESTABLISHED(1),
    /** The peer answered with a reset (ECONNREFUSED): nothing listens there. */
    REFUSED(2),
    /** No answer before the SYN retries ran out (ETIMEDOUT). */
    TIMED_OUT(3),
    /** An ICMP error said the host or network cannot be reached (EHOSTUNREACH, ENETUNREACH). */
    UNREACHABLE(4),
    /** The connect failed with another error, or was closed before it completed. */
    OTHER(5);

    private final int code;

    ConnectOutcome(int code) {
        this.code = code;
    }

    /** The kernel's code of this outcome. */
    public int code() {
        return code;
    }

    /** True when the connect failed. */
    public boolean failed() {
        return this != NONE && this != ESTABLISHED;
    }

    /** @throws IllegalArgumentException for a code flowmon.h does not define */
    public static ConnectOutcome fromCode(int code) {
        for (ConnectOutcome o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown connect outcome " + code);
    }
}
