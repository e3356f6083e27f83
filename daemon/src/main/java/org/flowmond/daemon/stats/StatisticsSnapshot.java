package org.flowmond.daemon.stats;

import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.daemon.container.ResolverStatistics;
import org.flowmond.daemon.flow.FlowStats;

/**
 * The daemon's statistics at one moment, typed: built once per statistics interval (and per scrape or
 * {@code STATUS=}), never per flow. Names exist only at the edges, made by {@link StatisticKeys}.
 * A part is null when its component is not running (no syscall probes, no export, no JSON file ...).
 *
 * @param flows           the flow table's counters
 * @param eventQueueDrops socket events the reader could not queue after close began
 * @param cycleFailures   flow cycles that failed (logged)
 * @param outputFailures  records an output threw on
 * @param timings         the last flow cycle's parts
 */
public record StatisticsSnapshot(FlowStats.Counts flows, long eventQueueDrops, long cycleFailures, long outputFailures,
                                 CycleTimes timings, ResolverStatistics containers, SyscallCounters syscall,
                                 TcCounters tc, OwnershipStatistics ownership, OutputCounters export,
                                 OutputCounters kafka, JsonCounters json) {

    /** Flow records the IPFIX exporter had no room for; 0 without an IPFIX export. */
    public long sendQueueDrops() {
        return export instanceof IpfixCounters i ? i.exporter().recordsDroppedQueueFull() : 0;
    }

    /** Packets counted nowhere (TC map and overflow path full); 0 without TC. */
    public long mapFullDrops() {
        return tc == null ? 0 : tc.mapFull();
    }

    /** Syscall events lost to a full ring buffer; 0 without syscall probes. */
    public long ringBufferDrops() {
        return syscall == null ? 0 : syscall.ringBufferFull();
    }
}
