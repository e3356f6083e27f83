package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.owner.OwnershipStatistics;

/**
 * The kernel's record of which process owns each socket, as the pipeline sees it: opened once per
 * pipeline, before the TC program that stamps its owners into flow entries, and kept across
 * reloads. Tests use fakes.
 */
public interface OwnershipSource extends AutoCloseable {

    /** Whether this kernel can scan the sockets open now (the start-up scan needs Linux 5.11). */
    boolean canSeedExisting();

    /** Writes the owners of the sockets open now (method existing); returns those it could not record. */
    int seedExisting();

    /** The kernel's counters: owners lost to full maps, lookups that found no owner, sockets seeded. */
    OwnershipStatistics statistics();

    /** Detaches its hooks; a TC program that shares its maps keeps them until it closes too. */
    @Override
    void close();
}
