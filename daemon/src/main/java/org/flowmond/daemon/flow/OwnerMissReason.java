package org.flowmond.daemon.flow;

/**
 * Why an end of an exported biflow record names no process, for the statistics
 * ({@code attribution.no-owner.*}). Only the kernel can tell a local socket from a remote host: the
 * TC program marks a flow entry whose packet left through a local socket it knew no owner for,
 * and an end whose address it found in two namespaces.
 */
enum OwnerMissReason {
    /** Neither TCP nor UDP (ICMP, GRE, ...): no socket owns such packets, none is looked for. */
    NO_SOCKET_PROTOCOL("no-socket-protocol"),
    /**
     * A packet of this end left through a local socket whose owner the kernel did not know: it
     * predates start-up on a kernel without the socket iterator, the owner map was full, or it is
     * a kernel socket. A loss worth looking at.
     */
    SOCKET_WITHOUT_OWNER("socket-without-owner"),
    /**
     * The end's address was found in sockets of two network namespaces (copies of one private
     * network, as containers make them) before it had an owner: an address alone cannot tell which
     * copy the packets belong to, so the kernel named none rather than a wrong one.
     */
    AMBIGUOUS_ADDRESS("ambiguous-address"),
    /**
     * No packet of this end passed a hook with its socket, and its address and port named no known
     * socket: a remote host or forwarded traffic (the usual case for one end of most records), or a
     * local socket in another namespace not found by address.
     */
    NO_SOCKET_SEEN("no-socket-seen");

    private final String label;

    OwnerMissReason(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The reason for the low ({@code low}) or high end of {@code b}, which has no owner. */
    static OwnerMissReason of(Biflow b, boolean low) {
        int protocol = b.protocol();
        if (protocol != 6 && protocol != 17) {
            return NO_SOCKET_PROTOCOL;
        }
        if (b.socketUnowned(low)) {
            return SOCKET_WITHOUT_OWNER;
        }
        return b.ambiguous(low) ? AMBIGUOUS_ADDRESS : NO_SOCKET_SEEN;
    }
}
