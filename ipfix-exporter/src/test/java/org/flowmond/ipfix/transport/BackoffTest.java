package org.flowmond.ipfix.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The reconnect delays of a stream collector: 250 ms doubling to 30 s, each in the upper half of its step. */
@UnitTest
class BackoffTest {
    private static final Duration FIRST = StreamCollectorSession.FIRST_RETRY;
    private static final Duration CAP = StreamCollectorSession.MAX_RETRY;
    /** The steps: 250 ms doubling, then held at 30 s. */
    private static final List<Long> STEPS_MS = List.of(250L, 500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L,
            30000L);

    @Test
    void theLowestDrawGivesHalfOfEachStep() {
        Backoff backoff = new Backoff(FIRST, CAP, n -> 0);
        assertEquals(STEPS_MS.stream().map(ms -> ms / 2).toList(), delaysMs(backoff, STEPS_MS.size()));
    }

    @Test
    void theHighestDrawGivesTheWholeStep() {
        Backoff backoff = new Backoff(FIRST, CAP, n -> n);
        assertEquals(STEPS_MS, delaysMs(backoff, STEPS_MS.size()));
    }

    @Test
    void resetStartsAgainFromTheFirstStep() {
        Backoff backoff = new Backoff(FIRST, CAP, n -> n);
        delaysMs(backoff, 12);
        backoff.reset();
        assertEquals(STEPS_MS.subList(0, 3), delaysMs(backoff, 3));
    }

    @Test
    void randomDelaysStayInTheUpperHalfOfTheirStepAndVary() {
        Backoff backoff = new Backoff(FIRST, CAP);
        Set<Long> atCap = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long step = Duration.ofMillis(STEPS_MS.get(Math.min(i, STEPS_MS.size() - 1))).toNanos();
            long delay = backoff.nextDelayNanos();
            assertTrue(delay >= step / 2 && delay <= step, i + ": " + delay + " outside [" + step / 2 + ", " + step + "]");
            if (i >= STEPS_MS.size()) {
                atCap.add(delay);
            }
        }
        assertTrue(atCap.size() > 900, "jittered: " + atCap.size() + " distinct delays of 990 at the cap");
    }

    @Test
    void theDrawIsAskedForAtMostHalfTheStep() {
        Backoff backoff = new Backoff(FIRST, CAP, n -> {
            assertTrue(n >= 0 && n <= CAP.toNanos() / 2, "bound " + n);
            return n;
        });
        LongStream.range(0, 20).forEach(i -> backoff.nextDelayNanos());
    }

    private static List<Long> delaysMs(Backoff backoff, int count) {
        return LongStream.range(0, count).map(i -> Duration.ofNanos(backoff.nextDelayNanos()).toMillis()).boxed()
                .toList();
    }
}
