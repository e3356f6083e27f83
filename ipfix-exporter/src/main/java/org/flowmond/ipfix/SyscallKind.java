package org.flowmond.ipfix;

/** Which call attributed a connection to a process (flowmond element syscallKind). */
public enum SyscallKind {
    CONNECT(1),
    ACCEPT(2),
    /** The socket already existed when flowmond started and was found by a scan. */
    EXISTING(3);

    private final int code;

    SyscallKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
