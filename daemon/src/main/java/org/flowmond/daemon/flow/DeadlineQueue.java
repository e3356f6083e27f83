package org.flowmond.daemon.flow;

import java.util.PriorityQueue;

/**
 * Flows ordered by their next deadline (the earliest of idle, active and end-of-flow), as
 * go-ipfix's intermediate process keeps them. Each flow owns at most one live {@link Ticket};
 * moving a deadline earlier cancels the old ticket and schedules a new one, while a deadline
 * that only moved later is left in place and corrected when it comes due ({@link #pollDue}
 * hands it back and the caller re-schedules it). So the heap holds about one entry per flow
 * instead of one per update.
 */
final class DeadlineQueue<T> {

    /** One scheduled deadline of one item. */
    static final class Ticket<T> {
        final long deadline;
        final T item;
        /** Scheduling order among equal deadlines; an int (8 bytes less per flow), compared wrap-safe. */
        private final int seq;
        private boolean cancelled;

        private Ticket(long deadline, T item, int seq) {
            this.deadline = deadline;
            this.item = item;
            this.seq = seq;
        }

        void cancel() {
            cancelled = true;
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    private final PriorityQueue<Ticket<T>> heap = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
            ? Long.compare(a.deadline, b.deadline) : Integer.signum(a.seq - b.seq));
    /**
     * Wraps after 2^32 schedules; the difference of two live tickets' numbers still orders them as
     * long as they were scheduled fewer than 2^31 schedules apart (a tie of deadlines further apart
     * than that would only swap two exports due at the same nanosecond).
     */
    private int nextSeq;

    Ticket<T> schedule(T item, long deadline) {
        Ticket<T> t = new Ticket<>(deadline, item, nextSeq++);
        heap.add(t);
        return t;
    }

    /** Removes and returns the earliest live ticket due at {@code now}, or null if none is due. */
    Ticket<T> pollDue(long now) {
        while (!heap.isEmpty()) {
            Ticket<T> head = heap.peek();
            if (head.cancelled) {
                heap.poll();
            } else if (head.deadline <= now) {
                return heap.poll();
            } else {
                return null;
            }
        }
        return null;
    }

    int size() {
        return heap.size();
    }

    void clear() {
        heap.clear();
    }
}
