package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class StartupClockTest {

    private static final long MS = 1_000_000L;

    @Test
    void theJvmsShareIsTheProcessAgeAtMainAndEachPhaseRunsFromTheEndOfTheLast() {
        StartupClock clock = new StartupClock(Optional.of(250 * MS), 1_000 * MS);
        clock.phase("logging", 1_100 * MS);
        clock.phase("configuration", 1_180 * MS);
        clock.phase("checks", 1_400 * MS);
        clock.phase("probes and outputs", 2_000 * MS);
        assertEquals("1250 ms after the process started: JVM until main 250 ms, logging 100 ms, configuration 80 ms, "
                + "checks 220 ms, probes and outputs 600 ms", clock.summary(2_000 * MS));
    }

    @Test
    void aPhaseNamedTwiceAddsUp() {
        StartupClock clock = new StartupClock(Optional.empty(), 0);
        clock.phase("checks", 10 * MS);
        clock.phase("other", 15 * MS);
        clock.phase("checks", 40 * MS);
        assertEquals("50 ms after main: checks 35 ms, other 5 ms", clock.summary(50 * MS));
    }

    @Test
    void theProcessAgeFromProcIsPositiveAndBelowTheJvmsUptime() {
        long age = StartupClock.processAgeNanos().orElseThrow();
        long jvmUptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * MS;
        assertEquals(true, age > 0 && age <= jvmUptime + 1_000 * MS, age + " vs JVM uptime " + jvmUptime);
    }

    @Test
    void anUnreadableProcessStartLeavesOnlyTheTimeSinceMain() {
        StartupClock clock = StartupClock.startedNow(() -> {
            throw new UnsupportedOperationException("no /proc");
        });
        clock.phase("x", System.nanoTime());
        assertEquals(true, clock.summary(System.nanoTime()).matches("\\d+ ms after main: x \\d+ ms"));
    }
}
