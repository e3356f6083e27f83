package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** When the flow thread reads the kernel's counters for the export: first time, on activity, once per interval. */
@UnitTest
class StatisticsFeedTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long INTERVAL = 60 * SECOND;

    @Test
    void theFirstCallBuilds() {
        assertTrue(new StatisticsFeed().due(0, INTERVAL, 7L, 0));
    }

    @Test
    void anIdleDaemonBuildsOncePerInterval() {
        StatisticsFeed feed = new StatisticsFeed();
        long t0 = 123 * SECOND;
        assertTrue(feed.due(t0, INTERVAL, 7L, 0));
        for (long s = 1; s < 60; s++) {
            assertFalse(feed.due(t0 + s * SECOND, INTERVAL, 7L, 0), "second " + s);
        }
        assertTrue(feed.due(t0 + INTERVAL, INTERVAL, 7L, 0), "one interval later, drops only the kernel saw");
        assertFalse(feed.due(t0 + INTERVAL + SECOND, INTERVAL, 7L, 0));
    }

    @Test
    void aWorkingDaemonBuildsEachTimeItsCountersMoved() {
        StatisticsFeed feed = new StatisticsFeed();
        assertTrue(feed.due(0, INTERVAL, 1L, 0));
        assertTrue(feed.due(SECOND, INTERVAL, 2L, 0));
        assertTrue(feed.due(2 * SECOND, INTERVAL, 3L, 0));
        assertFalse(feed.due(3 * SECOND, INTERVAL, 3L, 0), "nothing moved since the last");
        assertTrue(feed.due(4 * SECOND, INTERVAL, 4L, 0));
    }

    @Test
    void theIntervalCountsFromTheLastBuildAndSurvivesNanoTimeWrapping() {
        StatisticsFeed feed = new StatisticsFeed();
        long t0 = Long.MAX_VALUE - 10 * SECOND;
        assertTrue(feed.due(t0, INTERVAL, 1L, 0));
        assertTrue(feed.due(t0 + 30 * SECOND, INTERVAL, 2L, 0));
        assertFalse(feed.due(t0 + 61 * SECOND, INTERVAL, 2L, 0), "60 s not yet passed since the build on activity");
        assertTrue(feed.due(t0 + 90 * SECOND, INTERVAL, 2L, 0));
    }

    @Test
    void aGaugeThatMovedAloneBuilds() {
        StatisticsFeed feed = new StatisticsFeed();
        assertTrue(feed.due(0, INTERVAL, 5L, 3L << 32));
        assertFalse(feed.due(SECOND, INTERVAL, 5L, 3L << 32));
        assertTrue(feed.due(2 * SECOND, INTERVAL, 5L, 2L << 32), "a flow ended and nothing cumulative moved");
        assertTrue(feed.due(3 * SECOND, INTERVAL, 5L, 2L << 32 | 1), "a syscall flow appeared");
    }
}
