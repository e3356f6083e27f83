package org.flowmond.ipfix;

/**
 * Which call attributed a connection to a process (flowmond elements sourceAttribution and
 * destinationAttribution), and which call a syscall flow counts (flowmond element syscallKind).
 * Codes are fixed; 4 and 5 occur only as attributions, 6 to 9 only in syscall records.
 */
public enum SyscallKind {
    CONNECT(1),
    ACCEPT(2),
    /** The socket already existed when flowmond started and was found by a scan. */
    EXISTING(3),
    /** The process that last sent on the socket (unconnected UDP, or a socket shared by several processes). */
    SEND(4),
    /** The process that last received on the socket, or bound it to receive. */
    RECEIVE(5),
    /** connect() calls the peer refused (a reset: nothing listens there). */
    CONNECT_REFUSED(6),
    /** connect() calls that got no answer before the SYN retries ran out. */
    CONNECT_TIMED_OUT(7),
    /** connect() calls an ICMP error answered: host or network unreachable. */
    CONNECT_UNREACHABLE(8),
    /** connect() calls that failed otherwise, or were closed before the handshake completed. */
    CONNECT_FAILED(9);

    private final int code;

    SyscallKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
