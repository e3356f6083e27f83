package org.flowmond.daemon.flow;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.ipfix.FlowEndReason;

/**
 * The flow table's counters. Written by the flow-table thread, read by anyone (statistics,
 * periodic log, IPFIX options records), hence atomics. Keys of {@link #snapshot()} are stable:
 * they are the names the README and the health log use.
 */
public final class FlowStats {
    final AtomicLong biflowsActive = new AtomicLong();
    final AtomicLong biflowsCreated = new AtomicLong();
    final AtomicLong biflowRecordsExported = new AtomicLong();
    final AtomicLong biflowRecordsFiltered = new AtomicLong();
    final AtomicLong biflowsEndedEmpty = new AtomicLong();
    final EnumMap<FlowEndReason, AtomicLong> biflowsByReason = counters(FlowEndReason.class);
    final AtomicLong uniflowCounterResets = new AtomicLong();
    final AtomicLong redundantObservations = new AtomicLong();
    final AtomicLong overflowPackets = new AtomicLong();

    final AtomicLong syscallEvents = new AtomicLong();
    final AtomicLong syscallEventsFiltered = new AtomicLong();
    final AtomicLong syscallFlowsActive = new AtomicLong();
    final AtomicLong syscallRecordsExported = new AtomicLong();
    final EnumMap<FlowEndReason, AtomicLong> syscallByReason = counters(FlowEndReason.class);

    /** Exported biflow records by how many of their sides carry an owner. */
    final AtomicLong recordsBothOwners = new AtomicLong();
    final AtomicLong recordsOneOwner = new AtomicLong();
    final AtomicLong recordsNoOwner = new AtomicLong();
    /** Ends of exported biflow records without an owner, by why. */
    final EnumMap<OwnerMissReason, AtomicLong> endsWithoutOwner = counters(OwnerMissReason.class);
    /** Sides whose owner was replaced by another process or method during the flow (shared sockets). */
    final AtomicLong ownerChanges = new AtomicLong();

    private static <E extends Enum<E>> EnumMap<E, AtomicLong> counters(Class<E> type) {
        EnumMap<E, AtomicLong> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, new AtomicLong());
        }
        return m;
    }

    public long biflowsActive() {
        return biflowsActive.get();
    }

    public long biflowRecordsExported() {
        return biflowRecordsExported.get();
    }

    public long syscallRecordsExported() {
        return syscallRecordsExported.get();
    }

    /** All counters by name, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("flows.active", biflowsActive.get());
        m.put("flows.created", biflowsCreated.get());
        m.put("flows.records-exported", biflowRecordsExported.get());
        m.put("flows.records-filtered", biflowRecordsFiltered.get());
        m.put("flows.ended-without-packets", biflowsEndedEmpty.get());
        biflowsByReason.forEach((r, c) -> m.put("flows.ended." + r.label(), c.get()));
        m.put("flows.kernel-counter-resets", uniflowCounterResets.get());
        m.put("flows.redundant-observations", redundantObservations.get());
        m.put("flows.overflow-packets", overflowPackets.get());
        m.put("syscall.events", syscallEvents.get());
        m.put("syscall.events-filtered", syscallEventsFiltered.get());
        m.put("syscall.flows.active", syscallFlowsActive.get());
        m.put("syscall.records-exported", syscallRecordsExported.get());
        syscallByReason.forEach((r, c) -> m.put("syscall.ended." + r.label(), c.get()));
        m.put("attribution.records-both-sides", recordsBothOwners.get());
        m.put("attribution.records-one-side", recordsOneOwner.get());
        m.put("attribution.records-no-side", recordsNoOwner.get());
        endsWithoutOwner.forEach((r, c) -> m.put("attribution.no-owner." + r.label(), c.get()));
        m.put("attribution.owner-changes", ownerChanges.get());
        return m;
    }
}
