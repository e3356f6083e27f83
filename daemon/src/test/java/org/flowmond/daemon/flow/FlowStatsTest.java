package org.flowmond.daemon.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The flow thread's cheap "did anything happen" reading: every counter of {@link FlowStats#counts()}
 * moves {@link FlowStats#cumulativeSum()} or {@link FlowStats#activeFlows()}, so a counter added
 * later and forgotten there fails here.
 */
@UnitTest
class FlowStatsTest {
    private static final Set<String> GAUGES = Set.of("biflowsActive", "syscallFlowsActive");

    @Test
    void everyCumulativeCounterMovesTheSumByItsIncrement() throws Exception {
        int seen = 0;
        for (Field f : FlowStats.class.getDeclaredFields()) {
            if (f.getType() != AtomicLong.class || GAUGES.contains(f.getName())) {
                continue;
            }
            FlowStats stats = new FlowStats();
            long before = stats.cumulativeSum();
            ((AtomicLong) f.get(stats)).addAndGet(3);
            assertEquals(before + 3, stats.cumulativeSum(), f.getName());
            seen++;
        }
        assertEquals(14, seen, "the cumulative counters");
    }

    @Test
    void theGaugesMoveActiveFlowsEachInItsHalf() {
        FlowStats stats = new FlowStats();
        assertEquals(0, stats.activeFlows());
        stats.biflowsActive.set(1_000_000);
        stats.syscallFlowsActive.set(7);
        assertEquals(1_000_000L << 32 | 7, stats.activeFlows());
        stats.biflowsActive.set(999_999);
        stats.syscallFlowsActive.set(8);
        assertTrue(stats.activeFlows() != (1_000_000L << 32 | 7));
        assertEquals(0, stats.cumulativeSum(), "gauges are not cumulative");
    }
}
