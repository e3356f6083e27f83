package org.flowmond.daemon.flow;

import java.util.Map;
import java.util.function.BiConsumer;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.daemon.config.FlowSettings;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.TcpHealth;

/**
 * The daemon's flow table: biflows from the TC program, syscall flows from the connect/accept
 * probes. Everything passes through here on one thread (the pipeline's flow thread), in this
 * order per cycle: socket events, then a scan of the kernel map ({@link #beginScan(long)}), then
 * {@link #expire()}. Time comes from the injected {@link NanoClock} (CLOCK_MONOTONIC, as the
 * kernel's timestamps): every deadline is on it. The injected {@link WallClock} turns the times of
 * each record into wall-clock ones as the record is made, and nowhere else.
 *
 * <p>Attribution: the kernel stamps the owner of each local end on the flow's entries, and every
 * scan brings them ({@link Owners}); nothing is matched by 5-tuple here. Socket events make the
 * syscall flows, whose count and MTBS a connect or accept side of a biflow carries.
 *
 * <p>Filters apply to what is exported: a biflow record passes if its ports and processes pass;
 * a syscall event is counted only if its PID and ports pass. Filtered biflows are still tracked
 * so that their kernel entries are removed on time.
 */
public final class FlowTable {

    private final NanoClock clock;
    private final WallClock wall;
    private final ProcessResolver processes;
    private final FlowSink sink;
    private final FlowStats stats = new FlowStats();
    private final BiflowTable biflows;
    private final SyscallFlowTable syscalls;
    private final Owners owners;
    /** The one export callback and the one merge: an idle cycle allocates neither. */
    private final BiflowTable.Exporter exporter = this::exportBiflow;
    private final ScanMerge merge;
    private FilterSettings filter;

    public FlowTable(FlowSettings params, FilterSettings filter, NanoClock clock, WallClock wall, KernelFlowMap kernel,
                     ProcessResolver processes, FlowSink sink) {
        this.filter = filter;
        this.clock = clock;
        this.wall = wall;
        this.processes = processes;
        this.sink = sink;
        this.syscalls = new SyscallFlowTable(params, stats, wall);
        this.owners = new Owners(processes, syscalls, stats);
        this.biflows = new BiflowTable(params, kernel, owners, stats);
        this.merge = new ScanMerge(biflows, exporter);
    }

    public FlowStats stats() {
        return stats;
    }

    /**
     * A connect or accept: counted in its syscall flow. A socket found at start-up is only counted
     * as an event: the kernel seeds its owner, and it is no syscall.
     */
    public void onSocketEvent(SocketEvent e) {
        stats.syscallEvents.incrementAndGet();
        if (e.kind() == SocketEventKind.EXISTING) {
            return;
        }
        if (!filter.acceptsPid(e.pid()) || !filter.acceptsPorts(e.localPort(), e.remotePort())) {
            stats.syscallEventsFiltered.incrementAndGet();
            return;
        }
        syscalls.record(e, processes.resolve(e), clock.nowNanos(), sink);
    }

    /**
     * Starts merging one full read of the kernel's TC flow map (cumulative counters and owners per
     * unidirectional flow): hand the merge every entry as it is read, then close it. The table has
     * one merge, opened again for each scan: the previous scan must have been closed.
     * {@code newEntriesAtMost} is what the kernel says of the map: at most that many of its entries
     * were inserted since the last scan, so the table makes room for as many new biflows (up to its
     * capacity) before the merge rather than growing during it (0 when not known).
     */
    public ScanMerge beginScan(long newEntriesAtMost) {
        biflows.beginScan(clock.nowNanos(), newEntriesAtMost);
        return merge.open();
    }

    /** Packets the kernel could not store in its map, delivered one by one (counters of those packets only). */
    public void onOverflow(UniFlow packets) {
        biflows.onOverflow(packets, clock.nowNanos(), exporter);
    }

    /** Exports every flow whose deadline has passed. */
    public void expire() {
        long now = clock.nowNanos();
        biflows.expire(now, exporter);
        syscalls.expire(now, sink);
        sink.endOfBatch();
    }

    /**
     * Shutdown: every active flow is exported with reason forced end, its kernel entries read and
     * deleted. The removal of the whole kernel map is the last scan; where the kernel cannot remove
     * it whole, {@code lastScan} (one {@link #beginScan(long)} merge of the map) runs first and the
     * flows' entries are removed one by one.
     */
    public void flushAll(Runnable lastScan) {
        biflows.flushAll(clock.nowNanos(), lastScan, exporter);
        syscalls.flushAll(sink);
        sink.endOfBatch();
    }

    /** New timeouts and sizes (reload). Flows keep their counters; deadlines follow the new values. */
    public void reconfigure(FlowSettings newParams, FilterSettings newFilter) {
        this.filter = newFilter;
        biflows.setParams(newParams);
        syscalls.setParams(newParams);
    }

    /** The unexported calls of every active syscall flow (the seed tables include them), as records of now. */
    public void forEachActiveSyscallFlow(BiConsumer<SyscallFlowKey, SyscallFlowRecord> action) {
        syscalls.forEachPending(r -> action.accept(r.key(), r));
    }

    public int activeBiflows() {
        return biflows.size();
    }

    /** The biflow index's slot array length (tests). */
    int biflowIndexCapacity() {
        return biflows.indexCapacity();
    }

    /** Biflows in the deadline queue (tests). */
    int scheduledBiflowDeadlines() {
        return biflows.scheduledDeadlines();
    }

    public int activeSyscallFlows() {
        return syscalls.size();
    }

    /**
     * Builds the record of {@code b}'s counters since its last export, its times on the wall clock;
     * drops empty and filtered ones.
     */
    private void exportBiflow(Biflow b, FlowEndReason reason) {
        boolean fwd = b.lowIsInitiator; // forward: the initiator's direction
        long fp = b.packets(fwd);
        long fb = b.bytes(fwd);
        long rp = b.packets(!fwd);
        long rb = b.bytes(!fwd);
        if (fp == 0 && fb == 0 && rp == 0 && rb == 0) {
            if (reason != FlowEndReason.ACTIVE_TIMEOUT) {
                stats.biflowsEndedEmpty.incrementAndGet(); // never export a record without packets
            }
            return;
        }
        owners.withSyscalls(b); // its connect/accept event may have come late
        if (b.protocol() == 6) {
            owners.addToConnect(b); // its connect event may have come after the last reading
        }
        long end = Math.max(b.lastSeen(true), b.lastSeen(false));
        long start = b.recorded ? b.previousRecordEnd : Math.min(b.firstSeen(true), b.firstSeen(false));
        BiflowKey k = b.key();
        TcpHealth tcp = TcpHealthRecords.take(b.tcp(fwd), b.tcp(!fwd));
        BiflowRecord r = new BiflowRecord(k.ethProto(), ipVersion(k.ethProto()), k.protocol(),
                b.lowIsInitiator ? k.low() : k.high(), b.lowIsInitiator ? k.high() : k.low(), b.rule(),
                fp, fb, b.tcpFlags(fwd), rp, rb, b.tcpFlags(!fwd), wall.toEpochNanos(start), wall.toEpochNanos(end),
                ifindex(b.counting(fwd)), ifindex(b.counting(!fwd)), hook(b.counting(fwd)), hook(b.counting(!fwd)),
                reason, wall.toEpoch(b.process(fwd)), wall.toEpoch(b.process(!fwd)),
                k.netns(), tcp);
        b.exported(true);
        b.exported(false);
        b.recorded = true;
        b.previousRecordEnd = end;
        if (!accepted(r)) {
            stats.biflowRecordsFiltered.incrementAndGet();
            return;
        }
        stats.biflowRecordsExported.incrementAndGet();
        stats.biflowsByReason.get(reason).incrementAndGet();
        countOwners(b, r);
        sink.biflow(r);
    }

    /** Ports as for a syscall; a PID filter needs a process of that PID on either side, so a biflow without one fails it. */
    private boolean accepted(BiflowRecord r) {
        return filter.acceptsPorts(r.src().port(), r.dst().port())
                && (!filter.hasPidFilter() || hasPid(r.srcProcess()) || hasPid(r.dstProcess()));
    }

    private boolean hasPid(Attribution a) {
        return a != null && filter.acceptsPid(a.process().pid());
    }

    private void countOwners(Biflow b, BiflowRecord r) {
        int sides = (r.srcProcess() == null ? 0 : 1) + (r.dstProcess() == null ? 0 : 1);
        (sides == 2 ? stats.recordsBothOwners : sides == 1 ? stats.recordsOneOwner : stats.recordsNoOwner)
                .incrementAndGet();
        if (r.srcProcess() == null) {
            stats.endsWithoutOwner.get(OwnerMissReason.of(b, b.lowIsInitiator)).incrementAndGet();
        }
        if (r.dstProcess() == null) {
            stats.endsWithoutOwner.get(OwnerMissReason.of(b, !b.lowIsInitiator)).incrementAndGet();
        }
    }

    private static int ifindex(ObservationPoint counting) {
        return counting == null ? 0 : counting.ifindex();
    }

    private static Direction hook(ObservationPoint counting) {
        return counting == null ? null : counting.hook();
    }

    private static int ipVersion(int ethProto) {
        return switch (ethProto) {
            case 0x0800 -> 4;
            case 0x86DD -> 6;
            default -> 0;
        };
    }

    /** For tests and statistics: the counters by name. */
    public Map<String, Long> statistics() {
        return stats.snapshot();
    }
}
