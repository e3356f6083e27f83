package org.flowmond.daemon.flow;

import java.util.HashMap;
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
final class SyscallFlowTable implements Expiry.Table<SyscallFlowTable.Entry, FlowSink> {

    /** Calls whose client port an entry remembers, so that a biflow finds the count as of its own call. */
    static final int RECENT_CALLS = 16;

    /** One syscall flow being counted. */
    static final class Entry extends Expiry.Scheduled {
        final SyscallFlowKey key;
        /** The client's port (connect: local, accept: remote) and time of the latest calls, a ring. */
        final int[] recentPorts = new int[RECENT_CALLS];
        final long[] recentTimes = new long[RECENT_CALLS];
        int recentNext;
        ProcessInfo process;
        /** Every call since the entry was created (attached to the biflows this flow produced): count, first, last. */
        long count;
        long firstNanos;
        long lastNanos;
        /** Calls not yet exported: none when {@code pendingCount} is 0. */
        long pendingCount;
        long pendingFirstNanos;
        long pendingLastNanos;
        /** Health of the connections these calls opened, not yet exported (connects only), or null. */
        HandshakeStats health;
        long lastExportNanos;
        /** Set once the table forgot the entry: a stale {@link EventMemo} slot then misses. */
        boolean gone;
        /** Neighbours in the order of use: the one used just before and just after (null at the ends). */
        Entry older;
        Entry newer;

        Entry(SyscallFlowKey key, long now) {
            this.key = key;
            this.lastExportNanos = now;
        }

        /** Counts one call at {@code t}: in the lifetime and in the unexported calls (as {@link SyscallStats#plusCall}). */
        void call(long t) {
            firstNanos = count == 0 ? t : Math.min(firstNanos, t);
            lastNanos = count == 0 ? t : Math.max(lastNanos, t);
            count++;
            pendingFirstNanos = pendingCount == 0 ? t : Math.min(pendingFirstNanos, t);
            pendingLastNanos = pendingCount == 0 ? t : Math.max(pendingLastNanos, t);
            pendingCount++;
        }

        SyscallStats pending() {
            return new SyscallStats(pendingCount, pendingFirstNanos, pendingLastNanos);
        }
    }

    private final HashMap<SyscallFlowKey, Entry> flows = new HashMap<>(64);
    /**
     * The flows in the order of use, as a LinkedHashMap in access order keeps them, without a hash
     * look-up per use: a call or a look-up makes a flow the newest, so the oldest is the least
     * recently called (the one to evict), and every walk of the table goes oldest first.
     */
    private Entry oldest;
    private Entry newest;
    private final Expiry<Entry, FlowSink> expiry;
    private final FlowStats stats;
    /** For the records only: the entries' times and deadlines stay monotonic. */
    private final WallClock wall;
    /** The entries of the latest events, found from the event's fields without building a key. */
    private final EventMemo memo = new EventMemo();
    private FlowSettings params;

    SyscallFlowTable(FlowSettings params, FlowStats stats, WallClock wall) {
        this.params = params;
        this.expiry = new Expiry<>(params, this);
        this.stats = stats;
        this.wall = wall;
    }

    /**
     * Counts one connect or accept. Evicts the oldest-idle flow first if the table is full.
     * The flow of a recent event is found without a key ({@link EventMemo}).
     */
    void record(SocketEvent e, ProcessInfo process, long now, FlowSink sink) {
        Entry entry = memo.find(e);
        if (entry != null) {
            use(entry);
        } else {
            entry = findOrCreate(SyscallFlowKey.of(e), now, sink);
            memo.remember(e, entry);
        }
        entry.process = process;
        long t = e.timestampNanos();
        entry.call(t);
        if (!Expiry.isScheduled(entry)) {
            expiry.schedule(entry); // a new flow; a later call only moves its deadline later
        }
        entry.recentPorts[entry.recentNext] = e.kind() == SocketEventKind.CONNECT ? e.localPort() : e.remotePort();
        entry.recentTimes[entry.recentNext] = t;
        entry.recentNext = (entry.recentNext + 1) % RECENT_CALLS;
    }

    private Entry findOrCreate(SyscallFlowKey key, long now, FlowSink sink) {
        Entry entry = lookUp(key);
        if (entry == null) {
            if (flows.size() >= params.maxSyscallFlows()) {
                evictOldest(sink);
            }
            entry = new Entry(key, now);
            flows.put(key, entry);
            linkNewest(entry);
            stats.syscallFlowsActive.set(flows.size());
        }
        return entry;
    }

    /** The flow of {@code key}, now the most recently used, or null. */
    private Entry lookUp(SyscallFlowKey key) {
        Entry e = flows.get(key);
        if (e != null) {
            use(e);
        }
        return e;
    }

    private void use(Entry e) {
        if (e != newest) {
            unlink(e);
            linkNewest(e);
        }
    }

    private void linkNewest(Entry e) {
        e.older = newest;
        e.newer = null;
        if (newest != null) {
            newest.newer = e;
        } else {
            oldest = e;
        }
        newest = e;
    }

    private void unlink(Entry e) {
        if (e.older != null) {
            e.older.newer = e.newer;
        } else {
            oldest = e.newer;
        }
        if (e.newer != null) {
            e.newer.older = e.older;
        } else {
            newest = e.older;
        }
        e.older = null;
        e.newer = null;
    }

    /** Forgets {@code e}: out of the map and the order of use; a memo slot that still holds it misses. */
    private void forget(Entry e) {
        flows.remove(e.key);
        unlink(e);
        e.gone = true;
    }

    /**
     * The calls of flow {@code key} up to and including the one whose client port is
     * {@code clientPort} (one of its latest {@link #RECENT_CALLS}), or null if that call is not
     * known (not yet delivered, filtered, or too old). A look-up counts as use (the table is in
     * access order): a flow whose connections are being attributed is not the one to evict.
     */
    SyscallStats statsAtCall(SyscallFlowKey key, int clientPort) {
        Entry e = lookUp(key);
        if (e == null) {
            return null;
        }
        long count = e.count;
        for (int back = 0; back < Math.min(count, RECENT_CALLS); back++) {
            int slot = Math.floorMod(e.recentNext - 1 - back, RECENT_CALLS);
            if (e.recentPorts[slot] == clientPort) {
                return new SyscallStats(count - back, e.firstNanos, e.recentTimes[slot]);
            }
        }
        return null;
    }

    /** Adds to flow {@code key}'s connection health; false when no such flow is counted. */
    boolean addConnectHealth(SyscallFlowKey key, long handshakeMicros, long retransmitted) {
        Entry e = lookUp(key);
        if (e == null) {
            return false;
        }
        e.health = HandshakeStats.sum(e.health, HandshakeStats.of(handshakeMicros, retransmitted));
        return true;
    }

    /** Exports every flow whose deadline has passed. */
    void expire(long now, FlowSink sink) {
        expiry.expire(now, sink);
        stats.syscallFlowsActive.set(flows.size());
    }

    @Override
    public long lastActivity(Entry e) {
        return e.lastNanos;
    }

    @Override
    public long lastExport(Entry e) {
        return e.lastExportNanos;
    }

    /** A syscall flow has no end of its own: it ends idle, at capacity or at shutdown. */
    @Override
    public long endDetected(Entry e) {
        return -1;
    }

    @Override
    public void end(Entry e, FlowEndReason reason, FlowSink sink) {
        forget(e);
        export(e, reason, sink);
    }

    @Override
    public void exportActive(Entry e, long now, FlowSink sink) {
        export(e, FlowEndReason.ACTIVE_TIMEOUT, sink);
        e.lastExportNanos = now;
    }

    /** Exports and forgets every flow (shutdown). */
    void flushAll(FlowSink sink) {
        for (Entry e = oldest; e != null; e = e.newer) {
            export(e, FlowEndReason.FORCED_END, sink);
            e.gone = true;
        }
        flows.clear();
        oldest = null;
        newest = null;
        memo.clear();
        expiry.clear();
        stats.syscallFlowsActive.set(0);
    }

    /** The calls of every active flow not yet exported, as records (for the seed tables at any moment). */
    void forEachPending(java.util.function.Consumer<SyscallFlowRecord> action) {
        for (Entry e = oldest; e != null; e = e.newer) {
            if (e.pendingCount > 0) {
                action.accept(record(e, FlowEndReason.FORCED_END));
            }
        }
    }

    /** New timeouts apply to every flow at its next deadline check; shorter ones are rescheduled now. */
    void setParams(FlowSettings p) {
        this.params = p;
        expiry.useTimeouts(p);
        for (Entry e = oldest; e != null; e = e.newer) {
            expiry.schedule(e);
        }
    }

    int size() {
        return flows.size();
    }

    private void evictOldest(FlowSink sink) {
        Entry e = oldest;
        forget(e);
        expiry.cancel(e);
        export(e, FlowEndReason.LACK_OF_RESOURCES, sink);
    }

    private void export(Entry e, FlowEndReason reason, FlowSink sink) {
        if (e.pendingCount == 0) {
            return; // everything was exported at the last active timeout: never send an empty record
        }
        SyscallFlowRecord r = record(e, reason);
        e.pendingCount = 0;
        e.health = null;
        stats.syscallRecordsExported.incrementAndGet();
        stats.syscallByReason.get(reason).incrementAndGet();
        sink.syscallFlow(r);
    }

    /** The record of {@code e}'s unexported calls, their times on the wall clock. */
    private SyscallFlowRecord record(Entry e, FlowEndReason reason) {
        return new SyscallFlowRecord(e.key, e.process, wall.toEpoch(e.pending()), reason, e.health);
    }
}
