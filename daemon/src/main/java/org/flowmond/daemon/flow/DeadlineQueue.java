package org.flowmond.daemon.flow;

import java.util.Arrays;

/**
 * Items ordered by their next deadline (the earliest of idle, active and end-of-flow), as
 * go-ipfix's intermediate process keeps them: a binary heap whose items carry their own deadline
 * and heap position ({@link Entry}), so that an item is in the heap at most once, moving a
 * deadline is a sift in place and nothing is left behind when an item ends. At 1,000,000 flows that
 * is 16 bytes in each item and a 4-byte heap slot, instead of a 32-byte ticket per deadline and
 * the cancelled ones waiting in the heap. Equal deadlines come out in the order they were set.
 * Single-threaded, like the table that owns it.
 */
final class DeadlineQueue<T extends DeadlineQueue.Entry> {

    /** The queue's part of an item: its deadline, when it was set, and where it sits in the heap. */
    abstract static class Entry {
        private long deadline;
        /** Order among equal deadlines; an int, compared wrap-safe (see {@link #nextSeq}). */
        private int seq;
        /** Index in the heap, or -1 while not queued. */
        private int heapIndex = -1;

        /** The deadline it is queued at; meaningful only while {@link #queued()}. */
        final long deadline() {
            return deadline;
        }

        final boolean queued() {
            return heapIndex >= 0;
        }
    }

    private Entry[] heap = new Entry[16];
    private int size;
    /**
     * Wraps after 2^32 schedules; the difference of two queued items' numbers still orders them as
     * long as they were scheduled fewer than 2^31 schedules apart (a tie of deadlines further apart
     * than that would only swap two exports due at the same nanosecond).
     */
    private int nextSeq;

    /** Queues {@code item} at {@code deadline}, or moves it there if it is queued already. */
    void schedule(T item, long deadline) {
        Entry e = item; // (private fields are not reachable through a type variable)
        e.deadline = deadline;
        e.seq = nextSeq++;
        if (e.heapIndex < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            place(e, size++);
            siftUp(e.heapIndex);
        } else {
            siftDown(siftUp(e.heapIndex)); // moved either way: it settles in one of the two
        }
    }

    /** Takes {@code item} out of the queue (it ended for another reason); nothing if it is not queued. */
    void remove(T item) {
        Entry e = item;
        int i = e.heapIndex;
        if (i < 0) {
            return;
        }
        e.heapIndex = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            place(last, i);
            siftDown(siftUp(i));
        }
    }

    /** Removes and returns the earliest item due at {@code now}, or null if none is due. */
    @SuppressWarnings("unchecked") // only T are ever queued
    T pollDue(long now) {
        if (size == 0 || heap[0].deadline > now) {
            return null;
        }
        T head = (T) heap[0];
        remove(head);
        return head;
    }

    int size() {
        return size;
    }

    /** Empties the queue; every item it held is no longer queued. */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
        }
        heap = new Entry[16];
        size = 0;
    }

    private static boolean before(Entry a, Entry b) {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq - b.seq < 0;
    }

    private int siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(e, heap[parent])) {
                break;
            }
            place(heap[parent], i);
            i = parent;
        }
        place(e, i);
        return i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], e)) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(e, i);
    }

    private void place(Entry e, int i) {
        heap[i] = e;
        e.heapIndex = i;
    }
}
