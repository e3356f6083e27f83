package org.flowmond.daemon.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Deadline order, then scheduling order; cancelled tickets are skipped. */
@UnitTest
class DeadlineQueueTest {

    @Test
    void dueTicketsComeInDeadlineOrderThenInTheOrderTheyWereScheduled() {
        DeadlineQueue<String> q = new DeadlineQueue<>();
        q.schedule("c", 30);
        q.schedule("a1", 10);
        DeadlineQueue.Ticket<String> cancelled = q.schedule("x", 10);
        q.schedule("a2", 10);
        q.schedule("b", 20);
        cancelled.cancel();
        assertNull(q.pollDue(9));
        assertEquals("a1", q.pollDue(25).item);
        assertEquals("a2", q.pollDue(25).item);
        assertEquals("b", q.pollDue(25).item);
        assertNull(q.pollDue(25));
        assertEquals("c", q.pollDue(30).item);
    }

    /** The scheduling number is an int: equal deadlines keep their order across its wrap-around. */
    @Test
    void equalDeadlinesKeepSchedulingOrderAcrossTheSequenceWrap() throws Exception {
        DeadlineQueue<Integer> q = new DeadlineQueue<>();
        java.lang.reflect.Field seq = DeadlineQueue.class.getDeclaredField("nextSeq");
        seq.setAccessible(true);
        seq.setInt(q, Integer.MAX_VALUE - 2);
        for (int i = 0; i < 6; i++) {
            q.schedule(i, 100);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(i, q.pollDue(100).item);
        }
    }
}
