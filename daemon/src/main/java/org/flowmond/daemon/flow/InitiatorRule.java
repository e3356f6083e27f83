package org.flowmond.daemon.flow;

/** How the initiator (client) side of a biflow was decided; a stronger rule overrides a weaker one. */
public enum InitiatorRule {
    /** The direction whose earliest packet came first. */
    FIRST_PACKET,
    /** The direction that sent a SYN without ACK. */
    SYN,
    /** A process on this host called connect() (or accepted from the other side). */
    SYSCALL;

    boolean strongerThan(InitiatorRule o) {
        return ordinal() > o.ordinal();
    }
}
