package org.flowmond.daemon.pipeline;

import java.util.Map;
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

    /** The counters by statistics name (the edge where the typed record becomes names). */
    static void putInto(Map<String, Long> m, OwnershipStatistics s) {
        m.put("dropped.owner-map-full", s.ownerMapFull());
        m.put("dropped.owner-endpoint-map-full", s.endpointMapFull());
        m.put("dropped.owner-tuple-map-full", s.tupleMapFull());
        m.put("ownership.no-owner-for-socket", s.noOwnerForSocket());
        m.put("ownership.no-owner-for-address", s.noOwnerForAddress());
        m.put("ownership.seeded", s.seeded());
    }

    /** Detaches its hooks; a TC program that shares its maps keeps them until it closes too. */
    @Override
    void close();
}
