package org.flowmond.daemon.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Deadline order, then scheduling order; moved and removed items; the heap against a sorted list. */
@UnitTest
class DeadlineQueueTest {

    static final class Item extends DeadlineQueue.Entry {
        final String name;

        Item(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void dueItemsComeInDeadlineOrderThenInTheOrderTheyWereScheduled() {
        DeadlineQueue<Item> q = new DeadlineQueue<>();
        Item c = new Item("c");
        Item a1 = new Item("a1");
        Item removed = new Item("x");
        Item a2 = new Item("a2");
        Item b = new Item("b");
        q.schedule(c, 30);
        q.schedule(a1, 10);
        q.schedule(removed, 10);
        q.schedule(a2, 10);
        q.schedule(b, 20);
        q.remove(removed);
        assertFalse(removed.queued());
        assertEquals(4, q.size());
        assertNull(q.pollDue(9));
        assertSame(a1, q.pollDue(25));
        assertFalse(a1.queued());
        assertSame(a2, q.pollDue(25));
        assertSame(b, q.pollDue(25));
        assertNull(q.pollDue(25));
        assertSame(c, q.pollDue(30));
        assertEquals(0, q.size());
    }

    /** An item is queued once: scheduling it again moves it, earlier or later, and it counts as scheduled last. */
    @Test
    void schedulingAQueuedItemMovesIt() {
        DeadlineQueue<Item> q = new DeadlineQueue<>();
        Item a = new Item("a");
        Item b = new Item("b");
        q.schedule(a, 10);
        q.schedule(b, 20);
        q.schedule(a, 30);
        assertEquals(2, q.size());
        assertSame(b, q.pollDue(30));
        q.schedule(b, 30);
        q.schedule(a, 5);
        assertSame(a, q.pollDue(30));
        assertSame(b, q.pollDue(30));
        assertNull(q.pollDue(Long.MAX_VALUE));
    }

    @Test
    void clearLeavesNoItemQueued() {
        DeadlineQueue<Item> q = new DeadlineQueue<>();
        Item a = new Item("a");
        q.schedule(a, 1);
        q.clear();
        assertFalse(a.queued());
        assertEquals(0, q.size());
        q.schedule(a, 2);
        assertTrue(a.queued());
        assertSame(a, q.pollDue(2));
    }

    /** Random schedules, moves and removals come out as a stable sort by deadline says they should. */
    @Test
    void randomOperationsComeOutInDeadlineThenSchedulingOrder() {
        Random random = new Random(11);
        DeadlineQueue<Item> q = new DeadlineQueue<>();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            items.add(new Item("i" + i));
        }
        List<Item> expected = new ArrayList<>(); // scheduling order of the live ones
        long[] deadlines = new long[items.size()];
        for (int step = 0; step < 5_000; step++) {
            int n = random.nextInt(items.size());
            Item it = items.get(n);
            if (random.nextInt(4) == 0) {
                q.remove(it);
                expected.remove(it);
            } else {
                deadlines[n] = random.nextInt(50);
                q.schedule(it, deadlines[n]);
                expected.remove(it);
                expected.add(it);
            }
        }
        expected.sort((x, y) -> Long.compare(deadlines[items.indexOf(x)], deadlines[items.indexOf(y)]));
        assertEquals(expected.size(), q.size());
        for (Item want : expected) {
            assertSame(want, q.pollDue(Long.MAX_VALUE));
        }
        assertNull(q.pollDue(Long.MAX_VALUE));
    }

    /** The scheduling number is an int: equal deadlines keep their order across its wrap-around. */
    @Test
    void equalDeadlinesKeepSchedulingOrderAcrossTheSequenceWrap() throws Exception {
        DeadlineQueue<Item> q = new DeadlineQueue<>();
        java.lang.reflect.Field seq = DeadlineQueue.class.getDeclaredField("nextSeq");
        seq.setAccessible(true);
        seq.setInt(q, Integer.MAX_VALUE - 2);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(new Item("i" + i));
            q.schedule(items.get(i), 100);
        }
        for (int i = 0; i < 6; i++) {
            assertSame(items.get(i), q.pollDue(100));
        }
    }
}
