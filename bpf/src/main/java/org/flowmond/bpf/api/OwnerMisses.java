package org.flowmond.bpf.api;

/**
 * Why the TC program left an end of a flow entry without an owner: the bits of
 * {@code flow_stats.owner_misses} (tc_owner.bpf.h's {@code OWNER_MISS_*}), as {@link UniFlow} carries them.
 */
public final class OwnerMisses {
    /** A packet of the entry left through a local socket the kernel knew no owner for (OWNER_MISS_SRC_SOCKET). */
    public static final int SOURCE_SOCKET_UNOWNED = 1;
    /**
     * The source address was found in sockets of two network namespaces (copies of one private
     * network) before the end had an owner, so the kernel named none (OWNER_MISS_SRC_AMBIGUOUS).
     */
    public static final int SOURCE_AMBIGUOUS = 2;
    /** The same for the destination address (OWNER_MISS_DST_AMBIGUOUS). */
    public static final int DESTINATION_AMBIGUOUS = 4;
    /** Every bit user space reads; the kernel sets no other. */
    public static final int ALL = SOURCE_SOCKET_UNOWNED | SOURCE_AMBIGUOUS | DESTINATION_AMBIGUOUS;

    private OwnerMisses() {
    }
}
