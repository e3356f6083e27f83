package org.flowmond.daemon.flow;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flowmond.bpf.api.SocketEvent;

/**
 * Syscall flows (seed report): per {@link SyscallFlowKey}, the calls and their MTBS.
 * A flow is exported when no call came for the idle timeout, every active timeout while calls
 * keep coming (the calls since the previous export), at shutdown, and when the table is full
 * (the oldest-idle flow goes, reason lack of resources). Single-threaded: owned by {@link FlowTable}.
 */
final class SyscallFlowTable {

    /** One syscall flow being counted. */
    static final class Entry {
        final SyscallFlowKey key;
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
    private FlowTableParams params;

    SyscallFlowTable(FlowTableParams params, FlowStats stats) {
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
        entry.pending = entry.pending == null ? new SyscallStats(1, t, t) : entry.pending.plusCall(t);
        stats.syscallFlowsActive.set(flows.size());
        return entry.lifetime;
    }

    /** Exports every flow whose deadline has passed. */
    void expire(long now, FlowSink sink) {
        DeadlineQueue.Ticket<Entry> t;
        while ((t = deadlines.pollDue(now)) != null) {
            Entry e = t.item;
            long lastCall = e.lifetime.lastNanos();
            if (lastCall + params.idleNanos() <= now) {
                flows.remove(e.key);
                export(e, EndReason.IDLE_TIMEOUT, sink);
            } else if (e.lastExportNanos + params.activeNanos() <= now) {
                export(e, EndReason.ACTIVE_TIMEOUT, sink);
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
            export(e, EndReason.FORCED_END, sink);
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
    void setParams(FlowTableParams p) {
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
        export(oldest, EndReason.LACK_OF_RESOURCES, sink);
    }

    private void export(Entry e, EndReason reason, FlowSink sink) {
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
