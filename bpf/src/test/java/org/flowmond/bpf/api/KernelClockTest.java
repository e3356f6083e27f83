package org.flowmond.bpf.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The two scales a codec can decode kernel times to: the wall clock, or CLOCK_MONOTONIC as the kernel wrote them. */
@UnitTest
class KernelClockTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theMonotonicClockIsTheIdentityAndStaysSoAfterAResync() {
        KernelClock c = KernelClock.monotonic();
        long now = KernelClock.monotonicNow();
        assertEquals(now, c.toEpochNanos(now));
        c.resync();
        assertEquals(5 * S, c.toEpochNanos(5 * S));
    }

    /** A bound of a second, not a timing: a wrong offset is off by the machine's uptime or by decades. */
    @Test
    void theConvertingClockMapsMonotonicNowToTheWallClock() {
        KernelClock c = new KernelClock();
        Instant before = Instant.now();
        long converted = c.toEpochNanos(KernelClock.monotonicNow());
        Instant after = Instant.now();
        long lo = before.getEpochSecond() * S + before.getNano() - S;
        long hi = after.getEpochSecond() * S + after.getNano() + S;
        assertTrue(converted >= lo && converted <= hi, converted + " not within a second of " + before);
    }
}
