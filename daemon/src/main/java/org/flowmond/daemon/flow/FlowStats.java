package org.flowmond.daemon.flow;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.ipfix.FlowEndReason;

/**
 * The flow table's counters. Written by the flow-table thread, read by anyone (statistics,
 * periodic log, IPFIX options records), hence atomics. {@link #counts()} reads them all at once.
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

    /**
     * The sum of the cumulative counters of {@link #counts()}. None of them ever decreases, so the
     * sum is unchanged exactly when none of them moved. The counters by end reason and by missing
     * owner move only together with a record's export, which the totals here count. No allocation, a few
     * reads: the flow thread asks once a second whether anything happened, idle or not.
     */
    public long cumulativeSum() {
        return biflowsCreated.get() + biflowRecordsExported.get() + biflowRecordsFiltered.get()
                + biflowsEndedEmpty.get() + uniflowCounterResets.get() + redundantObservations.get()
                + overflowPackets.get() + syscallEvents.get() + syscallEventsFiltered.get()
                + syscallRecordsExported.get() + recordsBothOwners.get() + recordsOneOwner.get()
                + recordsNoOwner.get() + ownerChanges.get();
    }

    /** The two gauges of {@link #counts()} as one number: active biflows (high half), active syscall flows (low half). */
    public long activeFlows() {
        return biflowsActive.get() << 32 | (syscallFlowsActive.get() & 0xFFFF_FFFFL);
    }

    /** Every counter now, typed; {@code stats.StatisticKeys} gives them their names. */
    public Counts counts() {
        return new Counts(biflowsActive.get(), biflowsCreated.get(), biflowRecordsExported.get(),
                biflowRecordsFiltered.get(), biflowsEndedEmpty.get(), values(biflowsByReason),
                uniflowCounterResets.get(), redundantObservations.get(), overflowPackets.get(),
                syscallEvents.get(), syscallEventsFiltered.get(), syscallFlowsActive.get(),
                syscallRecordsExported.get(), values(syscallByReason), recordsBothOwners.get(),
                recordsOneOwner.get(), recordsNoOwner.get(), byLabel(endsWithoutOwner), ownerChanges.get());
    }

    /** All counters by name, in a stable order (the names are {@code stats.StatisticKeys}'). */
    public Map<String, Long> snapshot() {
        return org.flowmond.daemon.stats.StatisticKeys.of(counts());
    }

    /** By the reason's own label: the enum is this package's, its label the name part users see. */
    private static Map<String, Long> byLabel(EnumMap<OwnerMissReason, AtomicLong> counters) {
        Map<String, Long> m = new LinkedHashMap<>();
        counters.forEach((k, v) -> m.put(k.label(), v.get()));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static <E extends Enum<E>> Map<E, Long> values(EnumMap<E, AtomicLong> counters) {
        Map<E, Long> m = new LinkedHashMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The flow table's counters at one moment; the maps in enum order, every constant present.
     * {@code endsWithoutOwnerByLabel} is keyed by each OwnerMissReason's own label (that enum is
     * internal to the flow table).
     */
    public record Counts(long biflowsActive, long biflowsCreated, long biflowRecordsExported,
                         long biflowRecordsFiltered, long biflowsEndedEmpty, Map<FlowEndReason, Long> biflowsByReason,
                         long kernelCounterResets, long redundantObservations, long overflowPackets,
                         long syscallEvents, long syscallEventsFiltered, long syscallFlowsActive,
                         long syscallRecordsExported, Map<FlowEndReason, Long> syscallByReason,
                         long recordsBothOwners, long recordsOneOwner, long recordsNoOwner,
                         Map<String, Long> endsWithoutOwnerByLabel, long ownerChanges) {
    }
}
