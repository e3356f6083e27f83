package org.flowmond.daemon.flow;

import java.net.Inet4Address;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.UniFlow;

/**
 * The daemon's flow table: biflows from the TC program, syscall flows from the connect/accept
 * probes, and the attribution of one to the other. Everything passes through here on one
 * thread (the pipeline's flow thread), in this order per cycle: socket events, then a scan of
 * the kernel map, then {@link #expire()}. Time comes from the injected {@link NanoClock}.
 *
 * <p>Attribution: a connect or accept names the local process of one TCP 5-tuple. If the biflow
 * exists, the process is attached at once; otherwise it waits (up to the idle timeout) for the
 * scan that creates the biflow. Both sides of a loopback connection are attributed.
 *
 * <p>Filters apply to what is exported: a biflow record passes if its ports and processes pass;
 * a syscall event is counted only if its PID and ports pass. Filtered biflows are still tracked
 * so that their kernel entries are removed on time.
 */
public final class FlowTable {

    /** Attributions waiting for their biflow, with the time they arrived. */
    private record Pending(BiflowKey key, Endpoint local, Attribution attribution, long arrivedNanos) {
    }

    /** One side of one connection: the connection's key and whether the local end is its low one. */
    private record Side(BiflowKey key, boolean localIsLow) {
        static Side of(BiflowKey key, Endpoint local) {
            return new Side(key, key.fromLow(local));
        }
    }

    private final NanoClock clock;
    private final ProcessResolver processes;
    private final FlowSink sink;
    private final FlowStats stats = new FlowStats();
    private final BiflowTable biflows;
    private final SyscallFlowTable syscalls;
    /** Keyed by key + local endpoint so that both sides of a loopback connection can wait. */
    /** Access order, so that put() of a side already waiting moves it to the end: order = arrival order. */
    private final LinkedHashMap<Side, Pending> pending = new LinkedHashMap<>(16, 0.75f, true);
    private FlowTableParams params;
    private FlowFilter filter;

    public FlowTable(FlowTableParams params, FlowFilter filter, NanoClock clock, KernelFlowMap kernel,
                     ProcessResolver processes, FlowSink sink) {
        this.params = params;
        this.filter = filter;
        this.clock = clock;
        this.processes = processes;
        this.sink = sink;
        this.biflows = new BiflowTable(params, kernel, stats);
        this.syscalls = new SyscallFlowTable(params, stats);
    }

    public FlowStats stats() {
        return stats;
    }

    /** A connect, accept, or socket found at start-up. */
    public void onSocketEvent(SocketEvent e) {
        stats.syscallEvents.incrementAndGet();
        ProcessInfo process = processes.resolve(e);
        SyscallStats syscall = null;
        if (e.kind() != SocketEventKind.EXISTING) {
            if (!filter.acceptsSyscall(e.pid(), e.localPort(), e.remotePort())) {
                stats.syscallEventsFiltered.incrementAndGet();
            } else {
                syscall = syscalls.record(e, process, clock.nowNanos(), sink);
            }
        }
        if (e.localPort() == 0) {
            stats.attributionsNoPort.incrementAndGet(); // cannot name its 5-tuple
            return;
        }
        Endpoint local = new Endpoint(e.localAddress(), e.localPort());
        Endpoint remote = new Endpoint(e.remoteAddress(), e.remotePort());
        // by the address, not the socket family: an IPv6 socket may carry IPv4 (::ffff:a.b.c.d)
        int ethProto = local.address() instanceof Inet4Address ? 0x0800 : 0x86DD;
        BiflowKey key = BiflowKey.of(ethProto, 6, local, remote);
        Attribution a = new Attribution(process, AttributionMethod.of(e.kind()), syscall);
        Biflow b = biflows.get(key);
        if (b != null) {
            b.attribute(local, a);
            stats.attributionsMatched.incrementAndGet();
        } else {
            pending.put(Side.of(key, local), new Pending(key, local, a, clock.nowNanos()));
            trimPending();
        }
    }

    /** One full read of the kernel's TC flow map (cumulative counters per unidirectional flow). */
    public void onScan(List<UniFlow> scan) {
        biflows.onScan(scan, clock.nowNanos(), this::exportBiflow, this::attachPending);
    }

    /** Packets the kernel could not store in its map, delivered one by one (counters of those packets only). */
    public void onOverflow(UniFlow packets) {
        biflows.onOverflow(packets, clock.nowNanos(), this::exportBiflow, this::attachPending);
    }

    /** Exports every flow whose deadline has passed; forgets attributions that waited too long. */
    public void expire() {
        long now = clock.nowNanos();
        biflows.expire(now, this::exportBiflow);
        syscalls.expire(now, sink);
        expirePending(now);
        sink.endOfBatch();
    }

    /** Shutdown: every active flow is exported with reason forced end (biflows read and deleted from the kernel). */
    public void flushAll() {
        biflows.flushAll(this::exportBiflow);
        syscalls.flushAll(sink);
        stats.attributionsUnmatched.addAndGet(pending.size());
        pending.clear();
        stats.attributionsPending.set(0);
        sink.endOfBatch();
    }

    /** New timeouts and sizes (reload). Flows keep their counters; deadlines follow the new values. */
    public void reconfigure(FlowTableParams newParams, FlowFilter newFilter) {
        this.params = newParams;
        this.filter = newFilter;
        biflows.setParams(newParams);
        syscalls.setParams(newParams);
    }

    /** The unexported calls of every active syscall flow (the seed tables include them). */
    public void forEachActiveSyscallFlow(BiConsumer<SyscallFlowKey, SyscallFlowRecord> action) {
        syscalls.forEachPending((e, s) -> action.accept(e.key, new SyscallFlowRecord(e.key, e.process, s,
                EndReason.FORCED_END)));
    }

    public int activeBiflows() {
        return biflows.size();
    }

    /** Tickets in the biflows' deadline queue (tests). */
    int scheduledBiflowDeadlines() {
        return biflows.scheduledDeadlines();
    }

    public int activeSyscallFlows() {
        return syscalls.size();
    }

    private void attachPending(Biflow b) {
        if (pending.isEmpty()) {
            return; // the usual case while a scan creates many flows: no lookups, no Side built
        }
        for (Endpoint local : new Endpoint[] {b.key.low(), b.key.high()}) {
            Pending p = pending.remove(Side.of(b.key, local));
            if (p != null) {
                b.attribute(p.local(), p.attribution());
                stats.attributionsMatched.incrementAndGet();
            }
        }
        stats.attributionsPending.set(pending.size());
    }

    private void expirePending(long now) {
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.arrivedNanos() + params.pendingAttributionNanos() > now) {
                break; // insertion order = arrival order
            }
            it.remove();
            stats.attributionsUnmatched.incrementAndGet();
        }
        stats.attributionsPending.set(pending.size());
    }

    private void trimPending() {
        Iterator<Pending> it = pending.values().iterator();
        while (pending.size() > params.maxFlows() && it.hasNext()) {
            it.next();
            it.remove();
            stats.attributionsUnmatched.incrementAndGet();
        }
        stats.attributionsPending.set(pending.size());
    }

    /** Builds the record of {@code b}'s counters since its last export; drops empty and filtered ones. */
    private void exportBiflow(Biflow b, EndReason reason) {
        Biflow.Travel fwd = b.lowIsInitiator ? b.lowToHigh : b.highToLow;
        Biflow.Travel rev = b.lowIsInitiator ? b.highToLow : b.lowToHigh;
        long fp = fwd.packets - fwd.exportedPackets;
        long fb = fwd.bytes - fwd.exportedBytes;
        long rp = rev.packets - rev.exportedPackets;
        long rb = rev.bytes - rev.exportedBytes;
        if (fp == 0 && fb == 0 && rp == 0 && rb == 0) {
            if (reason != EndReason.ACTIVE_TIMEOUT) {
                stats.biflowsEndedEmpty.incrementAndGet(); // never export a record without packets
            }
            return;
        }
        long end = Math.max(fwd.lastSeen, rev.lastSeen);
        long start = b.exports == 0 ? Math.min(fwd.firstSeen, rev.firstSeen) : b.previousRecordEnd;
        BiflowKey k = b.key;
        BiflowRecord r = new BiflowRecord(k.ethProto(), ipVersion(k.ethProto()), k.protocol(),
                b.lowIsInitiator ? k.low() : k.high(), b.lowIsInitiator ? k.high() : k.low(), b.rule,
                fp, fb, fwd.tcpFlags, rp, rb, rev.tcpFlags, start, end,
                fwd.counting == null ? 0 : fwd.counting.ifindex(), rev.counting == null ? 0 : rev.counting.ifindex(),
                fwd.counting == null ? null : fwd.counting.hook(), rev.counting == null ? null : rev.counting.hook(),
                reason, b.lowIsInitiator ? b.lowProcess : b.highProcess, b.lowIsInitiator ? b.highProcess : b.lowProcess);
        fwd.exportedPackets = fwd.packets;
        fwd.exportedBytes = fwd.bytes;
        rev.exportedPackets = rev.packets;
        rev.exportedBytes = rev.bytes;
        b.exports++;
        b.previousRecordEnd = end;
        if (!filter.accepts(r)) {
            stats.biflowRecordsFiltered.incrementAndGet();
            return;
        }
        stats.biflowRecordsExported.incrementAndGet();
        stats.biflowsByReason.get(reason).incrementAndGet();
        sink.biflow(r);
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
