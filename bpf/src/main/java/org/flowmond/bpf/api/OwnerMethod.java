package org.flowmond.bpf.api;

/**
 * How the kernel learnt a socket's owner ({@code enum owner_method} in flowmon.h). Each constant
 * carries its kernel code; decoding goes by code, never by position.
 */
public enum OwnerMethod {
    /** The process called connect() on the socket (TCP, or a connected UDP socket). */
    CONNECT(1),
    /** The socket was accepted from a listener: the owner is the listening (and then first sending/receiving) process. */
    ACCEPT(2),
    /** The socket existed when flowmond started; found by the start-up scan. */
    EXISTING(3),
    /** The process that last sent on the socket (unconnected UDP, or a socket shared by several processes). */
    SEND(4),
    /** The process that last received on the socket, or bound it to receive (UDP servers). */
    RECEIVE(5);

    private final int code;

    OwnerMethod(int code) {
        this.code = code;
    }

    /** The kernel's code of this method. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for a code flowmon.h does not define */
    public static OwnerMethod fromCode(int code) {
        for (OwnerMethod m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown owner method " + code);
    }
}
