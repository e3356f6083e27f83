package org.flowmond.daemon.flow;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.FlowSettings;
import org.flowmond.ipfix.FlowEndReason;

/**
 * Merges the kernel's unidirectional TC flows into biflows and expires them.
 *
 * <p><b>Which observation counts.</b> A biflow is one connection (5-tuple), not one interface.
 * A packet can pass several hooks of this host — loopback shows it on egress and then
 * ingress, a forwarded packet enters one interface and leaves another — and each hook keeps
 * its own kernel entry. For each direction of travel exactly one hook is counted: among the
 * hooks present in the scan that first saw that direction, the one whose entry saw its first
 * packet earliest (the first hook a packet passes; ties: egress, then the lower ifindex). The
 * choice is kept for the flow's life; the other hooks' entries are tracked only so they are
 * deleted with the flow. So nothing is counted twice and records name the interface that counted.
 *
 * <p><b>Counters.</b> Kernel entries are cumulative; each scan adds the difference to the last
 * reading. When a flow ends its entries are removed with lookup-and-delete and the final
 * difference is added, so no increment between the last scan and the removal is lost. An entry
 * that went backwards was recreated by the kernel: its whole value is new.
 *
 * <p>Single-threaded: owned by {@link FlowTable}.
 */
final class BiflowTable {

    private final LinkedHashMap<BiflowKey, Biflow> flows = new LinkedHashMap<>();
    private final DeadlineQueue<Biflow> deadlines = new DeadlineQueue<>();
    /** Whether {@code k}'s entry was read and deleted earlier in this scan (almost never: checked cheaply). */
    private boolean deletedInThisScan(FlowKey k) {
        return !deletedDuringScan.isEmpty() && deletedDuringScan.contains(k);
    }

    /** Kernel entries deleted by evictions during the scan being merged (only then: see finish). */
    private final java.util.Set<FlowKey> deletedDuringScan = new java.util.HashSet<>();
    private boolean scanning;
    private final KernelFlowMap kernel;
    private final Owners owners;
    private final FlowStats stats;
    private FlowSettings params;
    /** The params' durations in nanoseconds, computed once (deadline() runs for every changed flow of every scan). */
    private long idleNanos;
    private long activeNanos;
    private long lingerNanos;

    BiflowTable(FlowSettings params, KernelFlowMap kernel, Owners owners, FlowStats stats) {
        useParams(params);
        this.kernel = kernel;
        this.owners = owners;
        this.stats = stats;
    }

    Biflow get(BiflowKey key) {
        return flows.get(key);
    }

    int size() {
        return flows.size();
    }

    /** Tickets in the deadline queue, live and cancelled (tests: about one per flow, not more). */
    int scheduledDeadlines() {
        return deadlines.size();
    }

    /** One full read of the kernel map (cumulative counters and the owners stamped on each entry). */
    void onScan(List<UniFlow> scan, long now, Exporter out) {
        deletedDuringScan.clear();
        scanning = true;
        try {
            mergeScan(scan, now, out);
        } finally {
            scanning = false;
            deletedDuringScan.clear();
        }
    }

    /**
     * One pass over the scan by index, and a second one only for the entries of directions seen for
     * the first time. The scan may decode entries on access (the TC loader's does), so nothing of an
     * entry is kept between the passes but its biflow: keeping a million decoded readings alive cost
     * 120 MB. A reading of a direction whose counting hook is known is applied at once (in a full
     * table, nearly all of them: one decode per entry). A new direction gets its counting hook
     * first: the earliest observation among this scan's entries of it, found by keeping the index of
     * the best so far in the direction itself (re-read on a rival, which is rare) rather than a map
     * of every new direction to its reading (150 MB for a scan of 1,000,000 new flows, an
     * OutOfMemoryError at -Xmx512m); its readings are applied in the second pass.
     */
    private void mergeScan(List<UniFlow> scan, long now, Exporter out) {
        int n = scan.size();
        List<Biflow> owners = new ArrayList<>(n);
        java.util.BitSet deferred = new java.util.BitSet(n);
        java.util.BitSet changed = new java.util.BitSet(n);
        for (int i = 0; i < n; i++) {
            UniFlow u = scan.get(i);
            if (deletedInThisScan(u.key())) {
                owners.add(null); // its flow was evicted earlier in this scan: entry read and deleted, reading stale
                continue;
            }
            Biflow b = getOrCreate(BiflowKey.of(u.key()), now, out);
            owners.add(b);
            Biflow.Travel t = b.travel(u.key());
            if (t.counting != null && t.candidateIndex < 0) {
                if (applyReading(b, u)) {
                    changed.set(i);
                }
                continue;
            }
            deferred.set(i);
            if (t.counting == null) {
                t.counting = ObservationPoint.of(u.key());
                t.candidateIndex = i;
            } else if (earlierObservation(scan.get(t.candidateIndex), u) == u) {
                t.counting = ObservationPoint.of(u.key());
                t.candidateIndex = i;
            }
        }
        for (int i = deferred.nextSetBit(0); i >= 0; i = deferred.nextSetBit(i + 1)) {
            Biflow b = owners.get(i);
            if (b.ended) {
                continue;
            }
            UniFlow u = scan.get(i);
            b.travel(u.key()).candidateIndex = -1; // decided for good
            // A flow evicted during this scan had its entries read and deleted: this reading is stale.
            if (!deletedInThisScan(u.key()) && applyReading(b, u)) {
                changed.set(i);
            }
        }
        // Most flows of a large table are idle between two scans: nothing to decide or reschedule.
        for (int i = 0; i < n; i++) {
            Biflow b = owners.get(i);
            if (b != null && !b.ended && (changed.get(i) || b.ticket == null)) {
                afterUpdate(b, now);
            }
        }
    }

    /**
     * Counters of packets the kernel could not put in its map (map full): added as they are,
     * to the counting hook of their direction.
     */
    void onOverflow(UniFlow u, long now, Exporter out) {
        Biflow b = getOrCreate(BiflowKey.of(u.key()), now, out);
        Biflow.Travel t = b.travel(u.key());
        owners.observe(b, u, t == b.lowToHigh);
        ObservationPoint p = ObservationPoint.of(u.key());
        if (t.counting == null) {
            t.counting = p;
        }
        stats.overflowPackets.addAndGet(u.counters().packets());
        if (t.counting.equals(p)) {
            t.add(u.counters().packets(), u.counters().bytes(), u.counters());
            touch(b);
        } else {
            stats.redundantObservations.incrementAndGet();
        }
        afterUpdate(b, now);
    }

    /** Exports what is due: ended (after linger), idle, and active flows. */
    void expire(long now, Exporter out) {
        DeadlineQueue.Ticket<Biflow> t;
        while ((t = deadlines.pollDue(now)) != null) {
            Biflow b = t.item;
            if (b.endDetectedNanos >= 0 && b.endDetectedNanos + lingerNanos <= now) {
                finish(b, FlowEndReason.END_OF_FLOW, out);
            } else if (b.lastActivity() + idleNanos <= now) {
                finish(b, FlowEndReason.IDLE_TIMEOUT, out);
            } else if (b.lastExportNanos + activeNanos <= now) {
                out.export(b, FlowEndReason.ACTIVE_TIMEOUT);
                b.lastExportNanos = now;
                b.ticket = deadlines.schedule(b, deadline(b));
            } else {
                b.ticket = deadlines.schedule(b, deadline(b));
            }
        }
    }

    /** Ends every flow (shutdown): final kernel readings, reason forced end. */
    void flushAll(Exporter out) {
        for (Biflow b : new ArrayList<>(flows.values())) {
            finish(b, FlowEndReason.FORCED_END, out);
        }
        deadlines.clear();
    }

    void setParams(FlowSettings p) {
        useParams(p);
        for (Biflow b : flows.values()) {
            reschedule(b);
        }
    }

    private void useParams(FlowSettings p) {
        this.params = p;
        this.idleNanos = p.idleNanos();
        this.activeNanos = p.activeNanos();
        this.lingerNanos = p.lingerNanos();
    }

    /** Exports one biflow's counters since its last export; the table decides whether it may. */
    @FunctionalInterface
    interface Exporter {
        void export(Biflow b, FlowEndReason reason);
    }

    private Biflow getOrCreate(BiflowKey key, long now, Exporter out) {
        Biflow b = flows.get(key);
        if (b != null) {
            return b;
        }
        if (flows.size() >= params.maxFlows()) {
            Iterator<Biflow> oldestIdle = flows.values().iterator();
            finish(oldestIdle.next(), FlowEndReason.LACK_OF_RESOURCES, out);
        }
        b = new Biflow(key, now);
        b.justCreated = true; // already at the young end of the order: its first reading need not move it
        flows.put(key, b);
        // scheduled by afterUpdate, once its first reading is in: scheduling now and again when the
        // packets turn out older than the flow's creation left a dead ticket per flow in the queue
        stats.biflowsCreated.incrementAndGet();
        stats.biflowsActive.set(flows.size());
        return b;
    }

    /** The first hook a packet passes wins: earliest first packet, then egress, then lower ifindex. */
    private static UniFlow earlierObservation(UniFlow a, UniFlow b) {
        long fa = a.counters().firstSeenNanos();
        long fb = b.counters().firstSeenNanos();
        if (fa != fb) {
            return fa < fb ? a : b;
        }
        if (a.key().direction() != b.key().direction()) {
            return a.key().direction() == Direction.EGRESS ? a : b;
        }
        return a.key().ifindex() <= b.key().ifindex() ? a : b;
    }

    /**
     * Adds the difference between this reading and the previous one of the same kernel entry, and
     * takes the owners stamped on it (from every hook's entry, counting or not). Returns whether the
     * reading changed anything: a new entry, or packets or bytes since the last one.
     */
    private boolean applyReading(Biflow b, UniFlow u) {
        FlowCounters now = u.counters();
        KernelEntries entries = b.kernelEntries;
        Biflow.Travel t = b.travel(u.key());
        ObservationPoint point = ObservationPoint.of(u.key());
        boolean fromLow = t == b.lowToHigh;
        owners.observe(b, u, fromLow);
        int i = entries.indexOf(point, fromLow);
        boolean seenBefore = i >= 0;
        long packetsBefore = seenBefore ? entries.packets(i) : 0;
        long bytesBefore = seenBefore ? entries.bytes(i) : 0;
        entries.put(point, fromLow, now.packets(), now.bytes());
        if (!point.equals(t.counting)) {
            if (!seenBefore) {
                stats.redundantObservations.incrementAndGet();
            }
            return !seenBefore;
        }
        long dp = now.packets();
        long db = now.bytes();
        if (seenBefore) {
            if (now.packets() < packetsBefore || now.bytes() < bytesBefore) {
                stats.uniflowCounterResets.incrementAndGet(); // entry deleted and recreated in the kernel
            } else {
                dp -= packetsBefore;
                db -= bytesBefore;
            }
        }
        t.add(dp, db, now);
        boolean counted = dp > 0 || db > 0;
        if (counted && !b.justCreated) {
            touch(b);
        }
        return counted || !seenBefore;
    }

    /** Moves a flow to the young end of the insertion order: the map's head is the oldest-idle flow. */
    private void touch(Biflow b) {
        flows.remove(b.key);
        flows.put(b.key, b);
    }

    private void afterUpdate(Biflow b, long now) {
        b.justCreated = false;
        if (b.key.protocol() == 6) {
            if (b.lowToHigh.synWithoutAck() != b.highToLow.synWithoutAck()) {
                b.decideInitiator(b.lowToHigh.synWithoutAck(), InitiatorRule.SYN);
            }
        }
        if (!b.ruleDecided && (b.lowToHigh.seen() || b.highToLow.seen())) {
            b.decideInitiator(b.lowToHigh.firstSeen <= b.highToLow.firstSeen, InitiatorRule.FIRST_PACKET);
        }
        if (b.endDetectedNanos < 0 && b.tcpEnded()) {
            b.endDetectedNanos = now;
        }
        if (b.ticket == null || deadline(b) < b.ticket.deadline) {
            reschedule(b); // first reading, or moved earlier: end of flow seen
        }
    }

    private void reschedule(Biflow b) {
        if (b.ticket != null) {
            b.ticket.cancel();
        }
        b.ticket = deadlines.schedule(b, deadline(b));
    }

    private long deadline(Biflow b) {
        long d = Math.min(b.lastActivity() + idleNanos, b.lastExportNanos + activeNanos);
        if (b.endDetectedNanos >= 0) {
            d = Math.min(d, b.endDetectedNanos + lingerNanos);
        }
        return d;
    }

    /** Final reading of every kernel entry (removing it), the last export, and the flow is forgotten. */
    private void finish(Biflow b, FlowEndReason reason, Exporter out) {
        KernelEntries entries = b.kernelEntries;
        for (int i = 0, n = entries.size(); i < n; i++) { // readings change counts, never the keys
            FlowKey k = entries.key(i, b.key);
            UniFlow last = kernel.lookupAndDelete(k);
            if (scanning) {
                deletedDuringScan.add(k); // the rest of this scan may hold a stale reading of it
            }
            if (last != null) {
                applyReading(b, last);
            }
        }
        if (b.ticket != null) {
            b.ticket.cancel();
        }
        b.ended = true;
        flows.remove(b.key);
        stats.biflowsActive.set(flows.size());
        out.export(b, reason);
    }
}
