package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.owner.OwnershipStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A full ownership map leaves sockets without owner (never a wrong one): logged at 1, 2, 4, 8 ... losses. */
final class OwnershipWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(OwnershipWarnings.class);

    private final DoublingGate gate = new DoublingGate();

    /** With the ownership statistics the caller just read (for a snapshot too: the kernel's counters are read once). */
    void check(OwnershipStatistics statistics) {
        long lost = statistics.lost();
        if (gate.passes(lost)) {
            LOG.warn("socket ownership maps full: {} sockets or endpoints without owner so far (ownership.*-map-full)",
                    lost);
        }
    }
}
