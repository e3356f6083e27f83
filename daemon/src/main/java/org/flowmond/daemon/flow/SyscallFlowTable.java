package org.flowmond.daemon.flow;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.FlowSettings;
import org.flowmond.ipfix.FlowEndReason;

/**
 * Syscall flows (seed report): per {@link SyscallFlowKey}, the calls and their MTBS.
 * A flow is exported when no call came for the idle timeout, every active timeout while calls
 * keep coming (the calls since the previous export), at shutdown, and when the table is full
 * (the oldest-idle flow goes, reason lack of resources). Single-threaded: owned by {@link FlowTable}.
 */
final class SyscallFlowTable {

    /** Calls whose client port an entry remembers, so that a biflow finds the count as of its own call. */
    static final int RECENT_CALLS = 16;

    /** One syscall flow being counted. */
    static final class Entry {
        final SyscallFlowKey key;
        /** The client's port (connect: local, accept: remote) and time of the latest calls, a ring. */
        final int[] recentPorts = new int[RECENT_CALLS];
        final long[] recentTimes = new long[RECENT_CALLS];
        int recentNext;
        ProcessInfo process;
        /** Every call since the entry was created: attached to the biflows this flow produced. */
        SyscallStats lifetime;
        /** Calls not yet exported, or null when all were. */
        SyscallStats pending;
        long lastExportNanos;
        DeadlineQueue.Ticket<Entry> ticket;

        Entry(SyscallFlowKey key, long now) {
            this.key = key;
            this.lastExportNanos = now;
        }
    }

    /** Access order: {@link #record}'s get moves a flow to the end, so the first is the least recently called. */
    private final LinkedHashMap<SyscallFlowKey, Entry> flows = new LinkedHashMap<>(64, 0.75f, true);
    private final DeadlineQueue<Entry> deadlines = new DeadlineQueue<>();
    private final FlowStats stats;
    private FlowSettings params;

    SyscallFlowTable(FlowSettings params, FlowStats stats) {
        this.params = params;
        this.stats = stats;
    }

    /**
     * Counts one connect or accept and returns the flow's lifetime summary including it.
     * Evicts the oldest-idle flow first if the table is full.
     */
    SyscallStats record(SocketEvent e, ProcessInfo process, long now, FlowSink sink) {
        SyscallFlowKey key = SyscallFlowKey.of(e);
        Entry entry = flows.get(key);
        if (entry == null) {
            if (flows.size() >= params.maxSyscallFlows()) {
                evictOldest(sink);
            }
            entry = new Entry(key, now);
            entry.ticket = deadlines.schedule(entry, deadline(entry, e.timestampNanos()));
            flows.put(key, entry);
        }
        entry.process = process;
        long t = e.timestampNanos();
        entry.lifetime = entry.lifetime == null ? new SyscallStats(1, t, t) : entry.lifetime.plusCall(t);
        entry.recentPorts[entry.recentNext] = e.kind() == SocketEventKind.CONNECT ? e.localPort() : e.remotePort();
        entry.recentTimes[entry.recentNext] = t;
        entry.recentNext = (entry.recentNext + 1) % RECENT_CALLS;
        entry.pending = entry.pending == null ? new SyscallStats(1, t, t) : entry.pending.plusCall(t);
        stats.syscallFlowsActive.set(flows.size());
        return entry.lifetime;
    }

    /**
     * The calls of flow {@code key} up to and including the one whose client port is
     * {@code clientPort} (one of its latest {@link #RECENT_CALLS}), or null if that call is not
     * known (not yet delivered, filtered, or too old). A look-up counts as use (the table is in
     * access order): a flow whose connections are being attributed is not the one to evict.
     */
    SyscallStats statsAtCall(SyscallFlowKey key, int clientPort) {
        Entry e = flows.get(key);
        if (e == null) {
            return null;
        }
        long count = e.lifetime.count();
        for (int back = 0; back < Math.min(count, RECENT_CALLS); back++) {
            int slot = Math.floorMod(e.recentNext - 1 - back, RECENT_CALLS);
            if (e.recentPorts[slot] == clientPort) {
                return new SyscallStats(count - back, e.lifetime.firstNanos(), e.recentTimes[slot]);
            }
        }
        return null;
    }

    /** Exports every flow whose deadline has passed. */
    void expire(long now, FlowSink sink) {
        DeadlineQueue.Ticket<Entry> t;
        while ((t = deadlines.pollDue(now)) != null) {
            Entry e = t.item;
            long lastCall = e.lifetime.lastNanos();
            if (lastCall + params.idleNanos() <= now) {
                flows.remove(e.key);
                export(e, FlowEndReason.IDLE_TIMEOUT, sink);
            } else if (e.lastExportNanos + params.activeNanos() <= now) {
                export(e, FlowEndReason.ACTIVE_TIMEOUT, sink);
                e.lastExportNanos = now;
                e.ticket = deadlines.schedule(e, deadline(e, lastCall));
            } else {
                e.ticket = deadlines.schedule(e, deadline(e, lastCall));
            }
        }
        stats.syscallFlowsActive.set(flows.size());
    }

    /** Exports and forgets every flow (shutdown). */
    void flushAll(FlowSink sink) {
        for (Entry e : flows.values()) {
            export(e, FlowEndReason.FORCED_END, sink);
        }
        flows.clear();
        deadlines.clear();
        stats.syscallFlowsActive.set(0);
    }

    /** The calls of every active flow not yet exported (for the seed tables at any moment). */
    void forEachPending(java.util.function.BiConsumer<Entry, SyscallStats> action) {
        for (Entry e : flows.values()) {
            if (e.pending != null) {
                action.accept(e, e.pending);
            }
        }
    }

    /** New timeouts apply to every flow at its next deadline check; shorter ones are rescheduled now. */
    void setParams(FlowSettings p) {
        this.params = p;
        for (Entry e : flows.values()) {
            e.ticket.cancel();
            e.ticket = deadlines.schedule(e, deadline(e, e.lifetime.lastNanos()));
        }
    }

    int size() {
        return flows.size();
    }

    private long deadline(Entry e, long lastCall) {
        return Math.min(lastCall + params.idleNanos(), e.lastExportNanos + params.activeNanos());
    }

    private void evictOldest(FlowSink sink) {
        Iterator<Map.Entry<SyscallFlowKey, Entry>> it = flows.entrySet().iterator();
        Entry oldest = it.next().getValue();
        it.remove();
        oldest.ticket.cancel();
        export(oldest, FlowEndReason.LACK_OF_RESOURCES, sink);
    }

    private void export(Entry e, FlowEndReason reason, FlowSink sink) {
        if (e.pending == null) {
            return; // everything was exported at the last active timeout: never send an empty record
        }
        SyscallFlowRecord r = new SyscallFlowRecord(e.key, e.process, e.pending, reason);
        e.pending = null;
        stats.syscallRecordsExported.incrementAndGet();
        stats.syscallByReason.get(reason).incrementAndGet();
        sink.syscallFlow(r);
    }
}
