package org.flowmond.daemon.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The expiry engine alone: idle 30 s, active 120 s, linger 1 s; end of flow before idle before active. */
@UnitTest
class ExpiryTest {
    private static final long S = 1_000_000_000L;

    /** An item with its times set by hand; its table logs what the engine decided. */
    static final class Item extends Expiry.Scheduled {
        final String name;
        long lastActivity;
        long lastExport;
        long endDetected = -1;

        Item(String name, long now) {
            this.name = name;
            this.lastActivity = now;
            this.lastExport = now;
        }
    }

    private final List<String> log = new ArrayList<>();
    private final Expiry<Item, List<String>> expiry = new Expiry<>(FlowFixture.params(30, 120, 1, 10, 10),
            new Expiry.Table<>() {
                @Override
                public long lastActivity(Item i) {
                    return i.lastActivity;
                }

                @Override
                public long lastExport(Item i) {
                    return i.lastExport;
                }

                @Override
                public long endDetected(Item i) {
                    return i.endDetected;
                }

                @Override
                public void end(Item i, FlowEndReason reason, List<String> sink) {
                    sink.add(i.name + " " + reason.label());
                }

                @Override
                public void exportActive(Item i, long now, List<String> sink) {
                    sink.add(i.name + " " + FlowEndReason.ACTIVE_TIMEOUT.label());
                    i.lastExport = now;
                }
            });

    @Test
    void anIdleItemEndsAtItsIdleDeadlineAndNotBefore() {
        Item a = new Item("a", 0);
        expiry.schedule(a);
        expiry.expire(30 * S - 1, log);
        assertEquals(List.of(), log);
        expiry.expire(30 * S, log);
        assertEquals(List.of("a idle-timeout"), log);
        assertFalse(Expiry.isScheduled(a));
        assertEquals(0, expiry.size());
    }

    @Test
    void aBusyItemIsExportedEveryActiveTimeoutAndRescheduled() {
        Item a = new Item("a", 0);
        expiry.schedule(a);
        for (long t = 10 * S; t <= 250 * S; t += 10 * S) {
            a.lastActivity = t; // busy: the idle deadline only moved later, corrected when it comes due
            expiry.expire(t, log);
        }
        assertEquals(List.of("a active-timeout", "a active-timeout"), log, "at 120 s and 240 s");
        assertTrue(Expiry.isScheduled(a));
        assertEquals(1, expiry.size(), "one ticket per item");
    }

    @Test
    void anEndSeenMovesTheDeadlineEarlierAndEndsAfterTheLinger() {
        Item a = new Item("a", 0);
        expiry.scheduleIfEarlier(a);
        a.lastActivity = 5 * S;
        expiry.scheduleIfEarlier(a); // later: left in place
        assertEquals(1, expiry.size());
        a.endDetected = 6 * S;
        expiry.scheduleIfEarlier(a);
        expiry.expire(7 * S - 1, log);
        assertEquals(List.of(), log);
        expiry.expire(7 * S, log);
        assertEquals(List.of("a end-of-flow"), log);
    }

    @Test
    void endOfFlowComesBeforeIdleAndIdleBeforeActive() {
        Item ended = new Item("ended", 0);
        ended.endDetected = 0;
        Item idle = new Item("idle", 0);
        Item both = new Item("both", 0); // idle and due for active at once: idle wins
        expiry.schedule(ended);
        expiry.schedule(idle);
        expiry.schedule(both);
        both.lastActivity = 100 * S;
        expiry.expire(200 * S, log);
        assertEquals(List.of("ended end-of-flow", "idle idle-timeout", "both idle-timeout"), log);
    }

    @Test
    void aCancelledItemIsNeverDueAndShorterTimeoutsApplyOnceRescheduled() {
        Item gone = new Item("gone", 0);
        Item kept = new Item("kept", 0);
        expiry.schedule(gone);
        expiry.schedule(kept);
        expiry.cancel(gone);
        assertFalse(Expiry.isScheduled(gone));
        expiry.useTimeouts(FlowFixture.params(5, 120, 1, 10, 10));
        expiry.schedule(kept);
        expiry.expire(5 * S, log);
        assertEquals(List.of("kept idle-timeout"), log);
    }
}
