package org.flowmond.daemon.flow;

/**
 * What {@link Owners} keeps of the two ends (low and high) of one biflow: made when the first owner,
 * unowned local socket or ambiguous address of the flow is seen. Flows with no local end (forwarded traffic, a remote
 * peer on both sides) never have one and carry a null reference instead of these fields (about 35
 * bytes per flow). The accessors are the only code that picks one end's field. Single-threaded.
 */
final class EndOwners {
    /** The owner of each end as last stamped by the kernel; null while none is known. */
    private Attribution lowProcess;
    private Attribution highProcess;
    /** Last-packet time of the kernel entry that named the owner of each end. */
    private long lowSeen;
    private long highSeen;
    /** Whether that entry is one on which the end sends (its owner read from its own socket). */
    private boolean lowSends;
    private boolean highSends;
    /** Whether a packet of the end left through a local socket the kernel knew no owner for. */
    private boolean lowSocketUnowned;
    private boolean highSocketUnowned;
    /** Whether the kernel found the end's address in two namespaces and so named no owner for it. */
    private boolean lowAmbiguous;
    private boolean highAmbiguous;

    /** What of the connection's health was added to its client's connect syscall flow (Owners.addToConnect). */
    boolean handshakeAdded;
    long retransmissionsAdded;

    Attribution process(boolean low) {
        return low ? lowProcess : highProcess;
    }

    void setProcess(boolean low, Attribution a) {
        if (low) {
            lowProcess = a;
        } else {
            highProcess = a;
        }
    }

    /** Last-packet time of the entry that named the owner of end {@code low}. */
    long seen(boolean low) {
        return low ? lowSeen : highSeen;
    }

    /** Whether the owner of end {@code low} was read from its own sending socket. */
    boolean sends(boolean low) {
        return low ? lowSends : highSends;
    }

    /** Where the owner of end {@code low} was named: at a packet of time {@code seen}, on an entry where it sends or not. */
    void namedAt(boolean low, long seen, boolean sends) {
        if (low) {
            lowSeen = seen;
            lowSends = sends;
        } else {
            highSeen = seen;
            highSends = sends;
        }
    }

    boolean socketUnowned(boolean low) {
        return low ? lowSocketUnowned : highSocketUnowned;
    }

    void markSocketUnowned(boolean low) {
        if (low) {
            lowSocketUnowned = true;
        } else {
            highSocketUnowned = true;
        }
    }

    boolean ambiguous(boolean low) {
        return low ? lowAmbiguous : highAmbiguous;
    }

    void markAmbiguous(boolean low) {
        if (low) {
            lowAmbiguous = true;
        } else {
            highAmbiguous = true;
        }
    }
}
