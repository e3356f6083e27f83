package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The cycle timings in the statistics: last and longest, in milliseconds. */
@UnitTest
class CycleTimingsTest {

    @Test
    void keepsTheLastAndTheLongestOfEachPart() {
        CycleTimings t = new CycleTimings();
        t.scanned(1_500_000_000L, 1_000_000);
        t.scanned(800_000_000L, 999_000);
        t.updated(2_000_000L);
        t.expired(4_700_000_000L);
        t.expired(0);
        t.finalFlush(3_200_000_000L);
        Map<String, Long> m = new LinkedHashMap<>();
        m.putAll(org.flowmond.daemon.stats.StatisticKeys.of(t.snapshot()));
        assertEquals(999_000L, m.get("pipeline.scan-entries"));
        assertEquals(800L, m.get("pipeline.scan-millis"));
        assertEquals(1500L, m.get("pipeline.scan-millis-max"));
        assertEquals(2L, m.get("pipeline.table-update-millis"));
        assertEquals(2L, m.get("pipeline.table-update-millis-max"));
        assertEquals(0L, m.get("pipeline.expire-millis"));
        assertEquals(4700L, m.get("pipeline.expire-millis-max"));
        assertEquals(3200L, m.get("pipeline.final-flush-millis"));
    }
}
