package org.flowmond.daemon.flow;

/**
 * One kernel map entry of a biflow after its first (see {@link Biflow#putEntry}), and the next: its
 * hook, its direction of travel and the packets and bytes of its last cumulative reading. A biflow
 * has one entry per hook that saw one of its directions, so a connection counted both ways has two,
 * and loopback or traffic forwarded between two monitored interfaces four; a node per further entry
 * is 40 bytes, where arrays of them cost about 100 for the first. An entry is named by hook and
 * direction, not by a stored {@link org.flowmond.bpf.api.FlowKey}: within one biflow these two
 * determine the kernel key (the addresses, ports, protocols and namespace are the biflow's own
 * numbers, as the kernel wrote them), which {@link Biflow#entryKey} puts together when the entry is
 * read and deleted. Single-threaded, like the table that owns its biflow.
 */
final class KernelEntry {
    final ObservationPoint point;
    final boolean fromLow;
    long packets;
    long bytes;
    /** The entry that came after this one; null for the last. */
    KernelEntry next;

    KernelEntry(ObservationPoint point, boolean fromLow) {
        this.point = point;
        this.fromLow = fromLow;
    }

    /** Whether this is the entry of hook {@code p} for direction {@code low}. */
    boolean is(ObservationPoint p, boolean low) {
        return fromLow == low && point.equals(p);
    }
}
