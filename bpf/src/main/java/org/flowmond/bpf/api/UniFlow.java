package org.flowmond.bpf.api;

/**
 * A unidirectional flow read out of the kernel: its key, its counters at read time, and the
 * processes that own its ends as the TC program stamped them.
 *
 * @param key                 the flow's key
 * @param counters            its counters
 * @param sourceOwner         the local process that sent the packets, or null when not known
 *                            (a remote sender, or no owner found: counted in the ownership statistics)
 * @param destinationOwner    the local process that receives them, or null when not known
 * @param ownerMisses         why an end may be without owner: {@link OwnerMisses} bits (a local sending
 *                            socket the kernel knew no owner for, which tells a local sender without
 *                            owner from a remote one; an address found in two namespaces)
 * @param tcp                 TCP health counters; never null: {@link TcpCounters#NONE} for other protocols
 *                            or when the TC program runs with TCP health off
 */
public record UniFlow(FlowKey key, FlowCounters counters, SocketOwner sourceOwner, SocketOwner destinationOwner,
        int ownerMisses, TcpCounters tcp) {

    public UniFlow {
        if (tcp == null) {
            throw new IllegalArgumentException("tcp is never null: use TcpCounters.NONE");
        }
        if ((ownerMisses & ~OwnerMisses.ALL) != 0) {
            throw new IllegalArgumentException("unknown owner-miss bits: " + ownerMisses);
        }
    }

    /** A flow without TCP health counters. */
    public UniFlow(FlowKey key, FlowCounters counters, SocketOwner sourceOwner, SocketOwner destinationOwner,
            boolean sourceSocketUnowned) {
        this(key, counters, sourceOwner, destinationOwner,
                sourceSocketUnowned ? OwnerMisses.SOURCE_SOCKET_UNOWNED : 0, TcpCounters.NONE);
    }

    /** A flow whose owners, if missing, were missing because no local socket sent its packets. */
    public UniFlow(FlowKey key, FlowCounters counters, SocketOwner sourceOwner, SocketOwner destinationOwner) {
        this(key, counters, sourceOwner, destinationOwner, false);
    }

    /** A flow without known owners. */
    public UniFlow(FlowKey key, FlowCounters counters) {
        this(key, counters, null, null);
    }

    /** Whether a packet of this flow left through a local socket the kernel knew no owner for. */
    public boolean sourceSocketUnowned() {
        return (ownerMisses & OwnerMisses.SOURCE_SOCKET_UNOWNED) != 0;
    }

    /** Whether the source (true) or destination end's address was found in two namespaces, so it has no owner. */
    public boolean ambiguous(boolean source) {
        return (ownerMisses & (source ? OwnerMisses.SOURCE_AMBIGUOUS : OwnerMisses.DESTINATION_AMBIGUOUS)) != 0;
    }
}
