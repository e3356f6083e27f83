package org.flowmond.daemon.flow;

import org.flowmond.daemon.config.FlowSettings;
import org.flowmond.ipfix.FlowEndReason;

/**
 * The one expiry engine of the flow tables: one deadline per item in a {@link DeadlineQueue}, and
 * one loop that decides what is due, in this order: end of flow once the linger has passed after
 * the end was seen, idle timeout, active timeout (export and keep counting). The item's table
 * says what its item's times are and does the exporting; the rules are here, once.
 *
 * <p>A deadline that moves later is left in the queue and corrected when it comes due (the loop
 * finds nothing due and reschedules), so a flow that is counted at every scan is not moved in the
 * heap at every scan; one that moves earlier is rescheduled at once ({@link #scheduleIfEarlier}). Single-threaded, like its table.
 *
 * @param <T> the item (a biflow, a syscall flow)
 * @param <S> where its table exports to
 */
final class Expiry<T extends Expiry.Scheduled, S> {

    /** An item of the engine: queued at one deadline at most, not queued before its first scheduling. */
    abstract static class Scheduled extends DeadlineQueue.Entry {
    }

    /** What the engine asks of an item's table. */
    interface Table<T, S> {
        /** The item's last packet or call. */
        long lastActivity(T item);

        /** When the item was last exported (or created). */
        long lastExport(T item);

        /** When its end (TCP FIN both ways, RST) was seen, or -1 while not seen. */
        long endDetected(T item);

        /** The last export: the table forgets the item. */
        void end(T item, FlowEndReason reason, S sink);

        /** An export of what was counted since the last one; the item lives on (its last export is now). */
        void exportActive(T item, long now, S sink);
    }

    private final DeadlineQueue<T> queue = new DeadlineQueue<>();
    private final Table<T, S> table;
    /** The settings' durations in nanoseconds, computed once (a deadline is computed for every changed flow of every scan). */
    private long idleNanos;
    private long activeNanos;
    private long lingerNanos;

    Expiry(FlowSettings settings, Table<T, S> table) {
        this.table = table;
        useTimeouts(settings);
    }

    /** New timeouts; the caller reschedules its items ({@link #schedule}) so that shorter ones apply now. */
    void useTimeouts(FlowSettings settings) {
        this.idleNanos = settings.idleNanos();
        this.activeNanos = settings.activeNanos();
        this.lingerNanos = settings.lingerNanos();
    }

    /** Whether {@code item} has a deadline (false before its first scheduling and after it ended). */
    static boolean isScheduled(Scheduled item) {
        return item.queued();
    }

    /** Schedules {@code item} at its deadline, moving it if it had one. */
    void schedule(T item) {
        queue.schedule(item, deadline(item));
    }

    /** Schedules {@code item} if it has no deadline yet or its deadline moved earlier (the end was seen). */
    void scheduleIfEarlier(T item) {
        long d = deadline(item);
        if (!item.queued() || d < item.deadline()) {
            queue.schedule(item, d);
        }
    }

    /** Drops {@code item}'s deadline (it ends for another reason). */
    void cancel(T item) {
        queue.remove(item);
    }

    /** Exports what is due at {@code now}: ended (after linger) and idle items end, active ones are exported and go on. */
    void expire(long now, S sink) {
        T item;
        while ((item = queue.pollDue(now)) != null) {
            long end = table.endDetected(item);
            if (end >= 0 && end + lingerNanos <= now) {
                table.end(item, FlowEndReason.END_OF_FLOW, sink);
            } else if (table.lastActivity(item) + idleNanos <= now) {
                table.end(item, FlowEndReason.IDLE_TIMEOUT, sink);
            } else {
                if (table.lastExport(item) + activeNanos <= now) {
                    table.exportActive(item, now, sink);
                }
                schedule(item); // due for active timeout, or only a deadline that had moved later
            }
        }
    }

    /** Forgets every deadline (shutdown: the table ends every item itself). */
    void clear() {
        queue.clear();
    }

    /** Items in the queue (tests: one per scheduled item). */
    int size() {
        return queue.size();
    }

    /** The earliest of idle, active and, once the end was seen, linger. */
    long deadline(T item) {
        long d = Math.min(table.lastActivity(item) + idleNanos, table.lastExport(item) + activeNanos);
        long end = table.endDetected(item);
        if (end >= 0) {
            d = Math.min(d, end + lingerNanos);
        }
        return d;
    }
}
