package org.flowmond.daemon.flow;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.TcpCounters;
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
 * <p><b>Capacity.</b> A scan is merged whole first (new flows may take the table above
 * {@code max-flows} for that time), then the oldest-idle flows are exported with reason lack of
 * resources, down to {@code max-flows}. So no flow ends in the middle of a merge, and no reading
 * of the scan can belong to a flow whose entries were already read and deleted.
 *
 * <p>Single-threaded: owned by {@link FlowTable}.
 */
final class BiflowTable implements Expiry.Table<Biflow, BiflowTable.Exporter> {

    /** By key and in idle order, moved by {@link #touch}: the oldest is the oldest-idle flow. */
    private final BiflowIndex flows = new BiflowIndex();
    private final Expiry<Biflow, Exporter> expiry;
    private final KernelFlowMap kernel;
    private final Owners owners;
    private final FlowStats stats;
    private FlowSettings params;
    private long scanNow;
    /**
     * The biflows whose readings in the scan being merged changed something, in order (a flow
     * once per run of its readings: a few MB for a scan of 1,000,000 new flows); null between scans.
     */
    private List<Biflow> changedInScan;
    /** The largest batch {@link #mergeReadings} takes (about one chunk of the kernel map's batch read). */
    static final int BATCH = BiflowIndex.BATCH;
    private final BiflowKey[] batchKeys = new BiflowKey[BATCH];
    private final Biflow[] batchFlows = new Biflow[BATCH];

    BiflowTable(FlowSettings params, KernelFlowMap kernel, Owners owners, FlowStats stats) {
        this.params = params;
        this.expiry = new Expiry<>(params, this);
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

    /** The index's slot array length (tests). */
    int indexCapacity() {
        return flows.capacity();
    }

    /** Flows in the deadline queue (tests: one per flow once its first reading is in). */
    int scheduledDeadlines() {
        return expiry.size();
    }

    /**
     * Starts merging one full read of the kernel map (cumulative counters and the owners stamped
     * on each entry): its entries come one by one to {@link #mergeReading} as the map is read,
     * then {@link #endScan} decides, schedules and brings the table back to its capacity.
     * {@code newEntriesAtMost} is how many entries the kernel may have inserted since the last scan
     * (each can be a new biflow, up to the table's capacity): the index makes room for them first.
     */
    void beginScan(long now, long newEntriesAtMost) {
        if (changedInScan != null) {
            throw new IllegalStateException("a scan is being merged already");
        }
        scanNow = now;
        changedInScan = new ArrayList<>();
        flows.reserve((int) Math.min(flows.size() + Math.max(0, newEntriesAtMost), params.maxFlows()));
    }

    /**
     * Applies one reading of the scan at once; nothing of it is kept but its effect on its biflow.
     * A direction with no counting hook yet has counted nothing (an overflow packet sets one when
     * it adds), so its first reading of the scan is applied as counting right away. If a later
     * entry of the same scan turns out to be an earlier observation of that direction, the
     * direction is emptied and counts that entry instead; the replaced entry stays tracked with
     * its reading, as every other hook's entry does, and is deleted with the flow.
     */
    void mergeReading(UniFlow u) {
        BiflowKey key = BiflowKey.of(u.key());
        mergeReading(u, key, flows.get(key));
    }

    /**
     * Merges {@code n} readings of the scan as {@link #mergeReading(UniFlow)} does, their flows looked
     * up first, all of them together ({@link BiflowIndex#getAll}: at 1,000,000 flows each look-up is
     * a cache miss or two, and look-ups that do not depend on each other overlap in the processor).
     */
    void mergeReadings(UniFlow[] batch, int n) {
        BiflowKey[] keys = batchKeys;
        Biflow[] found = batchFlows;
        for (int i = 0; i < n; i++) {
            keys[i] = BiflowKey.of(batch[i].key());
        }
        flows.getAll(keys, found, n);
        for (int i = 0; i < n; i++) {
            mergeReading(batch[i], keys[i], found[i]); // a flow not found may have been created by an earlier reading
            keys[i] = null;
            found[i] = null;
        }
    }

    private void mergeReading(UniFlow u, BiflowKey key, Biflow known) {
        Biflow b = known != null ? known : getOrCreate(key, scanNow);
        boolean fromLow = b.fromLow(u.key());
        if (b.counting(fromLow) == null) {
            b.chooseCounting(fromLow, ObservationPoint.of(u.key()), true);
        } else if (b.chosenInThisScan(fromLow) && observedEarlier(u, b, fromLow)) {
            b.reset(fromLow);
            b.chooseCounting(fromLow, ObservationPoint.of(u.key()), true);
            stats.redundantObservations.incrementAndGet(); // the replaced entry, now tracked without counting
        }
        if (applyReading(b, u) && (changedInScan.isEmpty() || changedInScan.get(changedInScan.size() - 1) != b)) {
            changedInScan.add(b);
        }
    }

    /**
     * After the last reading of the scan: the initiator and end decisions and the deadlines of the
     * flows it changed (they see both directions of the scan), then the oldest-idle flows go down
     * to the capacity. Most flows of a large table are idle between two scans: not re-examined.
     */
    void endScan(Exporter out) {
        decideScanChanges();
        evictOverCapacity(out);
    }

    /** Ends the scan being merged: the initiator, end and deadline of each flow it changed. */
    private void decideScanChanges() {
        List<Biflow> changed = changedInScan;
        changedInScan = null;
        for (Biflow b : changed) { // every flow this scan created or chose a counting hook of is here: that reading changed it
            b.scanMerged();
            afterUpdate(b, scanNow);
        }
    }

    /**
     * Counters of packets the kernel could not put in its map (map full): added as they are,
     * to the counting hook of their direction.
     */
    void onOverflow(UniFlow u, long now, Exporter out) {
        BiflowKey key = BiflowKey.of(u.key());
        if (flows.get(key) == null && flows.size() >= params.maxFlows()) {
            evictOldestIdle(out); // outside a scan: make room at once
        }
        Biflow b = getOrCreate(key, now);
        boolean fromLow = b.fromLow(u.key());
        owners.observe(b, u, fromLow);
        ObservationPoint p = ObservationPoint.of(u.key());
        if (b.counting(fromLow) == null) {
            b.chooseCounting(fromLow, p, false); // (a direction without counting hook was chosen by no scan)
        }
        stats.overflowPackets.addAndGet(u.counters().packets());
        if (b.counting(fromLow).equals(p)) {
            b.add(fromLow, u.counters().packets(), u.counters().bytes(), u.counters());
            touch(b);
        } else {
            stats.redundantObservations.incrementAndGet();
        }
        afterUpdate(b, now);
    }

    /** Exports what is due: ended (after linger), idle, and active flows. */
    void expire(long now, Exporter out) {
        expiry.expire(now, out);
    }

    @Override
    public long lastActivity(Biflow b) {
        return b.lastActivity();
    }

    @Override
    public long lastExport(Biflow b) {
        return b.lastExportNanos;
    }

    @Override
    public long endDetected(Biflow b) {
        return b.endDetectedNanos;
    }

    @Override
    public void end(Biflow b, FlowEndReason reason, Exporter out) {
        finish(b, reason, out);
    }

    @Override
    public void exportActive(Biflow b, long now, Exporter out) {
        out.export(b, FlowEndReason.ACTIVE_TIMEOUT);
        b.lastExportNanos = now;
    }

    /**
     * Ends every flow (shutdown, a new TC program): final kernel readings, reason forced end. The
     * whole kernel map is read and deleted at once where the kernel can ({@link KernelFlowMap#removeAll})
     * and merged as the last scan, its flows unknown to the table included (their entries are gone
     * from the map too); then every flow is exported without a syscall of its own. One pass over the
     * map instead of a scan and then the removal: at 1,000,000 flows a scan is about a second.
     * Otherwise {@code lastScan} reads the map once (so flows the table does not know yet are
     * merged) and each flow's entries are read and deleted one by one.
     */
    void flushAll(long now, Runnable lastScan, Exporter out) {
        if (!removeAllFromKernel(now)) {
            lastScan.run();
            for (Biflow b = flows.oldest(); b != null; b = flows.oldest()) {
                finish(b, FlowEndReason.FORCED_END, out); // removes b
            }
            expiry.clear();
            return;
        }
        // Each flow leaves the table (and the deadline queue, first) before its export: at 1,000,000
        // flows in a 512 MB heap the records are made in the room the flows leave. The table is emptied
        // at once (a removal per flow costs a third of the flushing thread's time at that size) and
        // each flow is let go as its record is made.
        expiry.clear();
        Biflow[] left = flows.removeAll();
        for (int i = 0; i < left.length; i++) {
            Biflow b = left[i];
            left[i] = null;
            stats.biflowsActive.set(left.length - 1 - i);
            out.export(b, FlowEndReason.FORCED_END);
        }
    }

    /**
     * Removes every kernel entry, merging each removal's reading as a scan does (the initiator
     * decided by its first packets); true if the map is empty of them now, so no flow needs a
     * reading of its own. Readings handed over before a failure part way are merged all the same.
     */
    private boolean removeAllFromKernel(long now) {
        beginScan(now, 0);
        boolean removed;
        try {
            removed = kernel.removeAll(this::mergeReading);
        } finally {
            decideScanChanges();
        }
        return removed;
    }

    /** New timeouts apply to every flow now; a smaller {@code max-flows} at the next scan or overflow record. */
    void setParams(FlowSettings p) {
        this.params = p;
        expiry.useTimeouts(p);
        flows.forEach(expiry::schedule);
    }

    /** Exports one biflow's counters since its last export; the table decides whether it may. */
    @FunctionalInterface
    interface Exporter {
        void export(Biflow b, FlowEndReason reason);
    }

    /** Exports the oldest-idle flows (lack of resources) until the table holds at most {@code max-flows}. */
    private void evictOverCapacity(Exporter out) {
        while (flows.size() > params.maxFlows()) {
            evictOldestIdle(out);
        }
    }

    private void evictOldestIdle(Exporter out) {
        finish(flows.oldest(), FlowEndReason.LACK_OF_RESOURCES, out);
    }

    /**
     * The flow of {@code key}, created at the young end of the order if new. It is scheduled by
     * afterUpdate, once its first reading is in: scheduling now and again when the packets turn out
     * older than the flow's creation left a dead ticket per flow in the queue.
     */
    private Biflow getOrCreate(BiflowKey key, long now) {
        Biflow b = flows.get(key);
        if (b != null) {
            return b;
        }
        b = Biflow.of(key, now);
        flows.add(b);
        stats.biflowsCreated.incrementAndGet();
        stats.biflowsActive.set(flows.size());
        return b;
    }

    /**
     * Whether reading {@code u} saw direction {@code fromLow} of {@code b} before the hook counting it
     * in this scan did (whose reading alone is in the direction): the first hook a packet passes
     * wins, by earliest first packet, then egress, then the lower ifindex.
     */
    private static boolean observedEarlier(UniFlow u, Biflow b, boolean fromLow) {
        long first = u.counters().firstSeenNanos();
        long counted = b.firstSeen(fromLow);
        if (first != counted) {
            return first < counted;
        }
        ObservationPoint counting = b.counting(fromLow);
        if (u.key().direction() != counting.hook()) {
            return u.key().direction() == Direction.EGRESS;
        }
        return u.key().ifindex() < counting.ifindex();
    }

    /**
     * Adds the difference between this reading and the previous one of the same kernel entry, and
     * takes the owners stamped on it (from every hook's entry, counting or not). Returns whether the
     * reading changed anything: a new entry, or packets or bytes since the last one.
     */
    private boolean applyReading(Biflow b, UniFlow u) {
        FlowCounters now = u.counters();
        boolean fromLow = b.fromLow(u.key());
        ObservationPoint point = ObservationPoint.of(u.key());
        owners.observe(b, u, fromLow);
        int i = b.entryIndex(point, fromLow);
        boolean seenBefore = i >= 0;
        long packetsBefore = seenBefore ? b.entryPackets(i) : 0;
        long bytesBefore = seenBefore ? b.entryBytes(i) : 0;
        b.putEntry(point, fromLow, now.packets(), now.bytes());
        if (!point.equals(b.counting(fromLow))) {
            if (!seenBefore) {
                stats.redundantObservations.incrementAndGet();
            }
            return !seenBefore;
        }
        long dp = now.packets();
        long db = now.bytes();
        boolean recreated = seenBefore && (now.packets() < packetsBefore || now.bytes() < bytesBefore);
        if (recreated) {
            stats.uniflowCounterResets.incrementAndGet(); // entry deleted and recreated in the kernel
        } else if (seenBefore) {
            dp -= packetsBefore;
            db -= bytesBefore;
        }
        b.add(fromLow, dp, db, now);
        addTcp(b, fromLow, u.tcp(), recreated);
        boolean counted = dp > 0 || db > 0;
        if (counted && Expiry.isScheduled(b)) {
            touch(b); // a flow not yet scheduled was created by this scan, at the young end already
        }
        return counted || !seenBefore;
    }

    /** The counting entry's TCP counters (none for UDP, ICMP, or with tcp-health off: nothing is kept then). */
    private static void addTcp(Biflow b, boolean fromLow, TcpCounters now, boolean recreated) {
        TcpTrack t = b.tcp(fromLow);
        if (now == TcpCounters.NONE && t == null) {
            return;
        }
        if (t == null) {
            t = new TcpTrack();
            b.setTcp(fromLow, t);
        }
        t.add(now, recreated);
    }

    /** Moves a flow to the young end of the idle order: the oldest is the oldest-idle flow. */
    private void touch(Biflow b) {
        flows.touch(b);
    }

    private void afterUpdate(Biflow b, long now) {
        if (b.protocol() == 6) {
            if (b.synWithoutAck(true) != b.synWithoutAck(false)) {
                b.decideInitiator(b.synWithoutAck(true), InitiatorRule.SYN);
            }
        }
        if (!b.ruleDecided() && (b.seen(true) || b.seen(false))) {
            b.decideInitiator(b.firstSeen(true) <= b.firstSeen(false), InitiatorRule.FIRST_PACKET);
        }
        if (b.protocol() == 6) {
            owners.addToConnect(b);
        }
        if (b.endDetectedNanos < 0 && b.tcpEnded()) {
            b.endDetectedNanos = now;
        }
        expiry.scheduleIfEarlier(b); // first reading, or moved earlier: end of flow seen
    }

    /** Final reading of every kernel entry (removing it), the last export, and the flow is forgotten. */
    private void finish(Biflow b, FlowEndReason reason, Exporter out) {
        for (int i = 0, n = b.entries(); i < n; i++) { // readings change counts, never the keys
            FlowKey k = b.entryKey(i);
            UniFlow last = kernel.lookupAndDelete(k);
            if (last != null) {
                applyReading(b, last);
            }
        }
        expiry.cancel(b);
        flows.remove(b);
        stats.biflowsActive.set(flows.size());
        out.export(b, reason);
    }
}
