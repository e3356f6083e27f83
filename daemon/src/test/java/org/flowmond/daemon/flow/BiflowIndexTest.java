package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The index against a LinkedHashMap in access order: same look-ups, same idle order, through growth and deletions. */
@UnitTest
class BiflowIndexTest {

    private static BiflowKey key(int n) {
        return BiflowKey.of(FlowKey.ETH_P_IP, 17, new Endpoint(ip("10.0.0.1"), 1000 + n % 50_000),
                new Endpoint(ip("10.0.0." + (2 + n / 50_000)), 53), 0);
    }

    @Test
    void addGetTouchRemoveKeepTheIdleOrder() {
        BiflowIndex index = new BiflowIndex();
        Biflow a = Biflow.of(key(1), 0);
        Biflow b = Biflow.of(key(2), 0);
        Biflow c = Biflow.of(key(3), 0);
        index.add(a);
        index.add(b);
        index.add(c);
        index.touch(a);
        assertSame(b, index.oldest());
        assertSame(a, index.get(key(1)));
        index.remove(b);
        assertNull(index.get(key(2)));
        assertSame(c, index.oldest());
        assertEquals(2, index.size());
        assertArrayEquals(new Biflow[] {c, a}, index.removeAll());
        assertEquals(0, index.size());
        assertNull(index.oldest());
        assertNull(index.get(key(1)));
    }

    /** Random adds, touches and removals (the deletions shift probe chains back) agree with the reference map. */
    @Test
    void agreesWithALinkedHashMapInAccessOrder() {
        Random random = new Random(7);
        BiflowIndex index = new BiflowIndex();
        LinkedHashMap<BiflowKey, Biflow> reference = new LinkedHashMap<>(16, 0.75f, true);
        for (int step = 0; step < 200_000; step++) {
            BiflowKey k = key(random.nextInt(20_000));
            Biflow found = index.get(k);
            assertSame(reference.get(k), found, "look-up of " + k); // get() on the reference touches it
            assertSame(found, getAllOf(index, k, key(random.nextInt(20_000))), "batched look-up of " + k);
            int op = random.nextInt(3);
            if (found == null) {
                Biflow b = Biflow.of(k, step);
                index.add(b);
                reference.put(k, b);
            } else if (op == 0) {
                index.remove(found);
                reference.remove(k);
            } else {
                index.touch(found);
            }
            if (step % 20_000 == 0) {
                assertOrder(reference, index);
            }
        }
        assertOrder(reference, index);
    }

    /** A burst's array is given back as its flows end; a count going up and down around a size does not resize each time. */
    @Test
    void theArrayShrinksAfterABurstWithHysteresis() {
        BiflowIndex index = new BiflowIndex();
        List<Biflow> flows = new ArrayList<>();
        for (int n = 0; n < 100_000; n++) {
            Biflow b = Biflow.of(key(n), n);
            index.add(b);
            flows.add(b);
        }
        assertEquals(262_144, index.capacity(), "at most half full: 100,000 flows in 2^18 slots");
        for (int n = 0; n < 99_990; n++) {
            index.remove(flows.get(n));
        }
        assertEquals(64, index.capacity(), "10 flows left: the smallest array (an eighth full halves it)");
        for (int n = 99_990; n < 100_000; n++) {
            assertSame(flows.get(n), index.get(key(n)), "flow " + n + " still found after the shrinks");
        }
        assertEquals(flows.get(99_990), index.oldest());

        // 32 flows fill 64 slots half: the 33rd doubles to 128; under 16 (an eighth of 128) halves to 64.
        for (int n = 0; n < 23; n++) {
            index.add(flows.get(n));
        }
        assertEquals(128, index.capacity(), "33 flows");
        for (int round = 0; round < 100; round++) { // one flow coming and going at 33, then at 32
            index.remove(flows.get(0));
            assertEquals(128, index.capacity());
            index.add(flows.get(0));
            assertEquals(128, index.capacity());
        }
        for (int n = 0; n < 17; n++) {
            index.remove(flows.get(n));
        }
        assertEquals(128, index.capacity(), "16 flows: an eighth, not less");
        index.remove(flows.get(17));
        assertEquals(64, index.capacity(), "15 flows, under an eighth of 128");
        assertEquals(15, index.size());
    }

    /** A reservation sizes the array once for the flows to come, keeps the flows it holds, and never shrinks it. */
    @Test
    void aReservationGrowsTheArrayOnceAndKeepsItsFlows() {
        BiflowIndex index = new BiflowIndex();
        for (int n = 0; n < 20; n++) {
            index.add(Biflow.of(key(n), n));
        }
        index.reserve(100_000);
        assertEquals(262_144, index.capacity(), "room for 100,000 flows at most half full");
        for (int n = 0; n < 20; n++) {
            assertEquals(n, index.get(key(n)).lastActivity(), "flow " + n + " kept by the resize");
        }
        for (int n = 20; n < 100_000; n++) {
            index.add(Biflow.of(key(n), n));
        }
        assertEquals(262_144, index.capacity(), "the reserved flows placed without another resize");
        index.reserve(10);
        assertEquals(262_144, index.capacity(), "a smaller reservation changes nothing");
        assertEquals(0, index.oldest().lastActivity());
        assertEquals(100_000, index.size());
    }

    /** {@code k}'s flow as a batched look-up with another key finds it: the other key's probe is in the same rounds. */
    private static Biflow getAllOf(BiflowIndex index, BiflowKey k, BiflowKey other) {
        Biflow[] found = new Biflow[2];
        index.getAll(new BiflowKey[] {other, k}, found, 2);
        assertSame(index.get(other), found[0], "batched look-up of " + other);
        return found[1];
    }

    /** A full batch over a crowded index (long probe chains) finds what one look-up at a time finds. */
    @Test
    void aFullBatchFindsWhatSingleLookUpsFind() {
        BiflowIndex index = new BiflowIndex();
        for (int n = 0; n < 5_000; n += 2) {
            index.add(Biflow.of(key(n), n));
        }
        BiflowKey[] keys = new BiflowKey[BiflowIndex.BATCH];
        Biflow[] found = new Biflow[BiflowIndex.BATCH];
        for (int first = 0; first < 5_000; first += BiflowIndex.BATCH) {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = key(first + i); // every other one present
            }
            index.getAll(keys, found, keys.length);
            for (int i = 0; i < keys.length; i++) {
                assertSame(index.get(keys[i]), found[i], "look-up of " + keys[i]);
                assertEquals((first + i) % 2 == 0 && first + i < 5_000, found[i] != null, "presence of " + keys[i]);
            }
        }
    }

    private static void assertOrder(LinkedHashMap<BiflowKey, Biflow> reference, BiflowIndex index) {
        assertEquals(reference.size(), index.size());
        List<Biflow> order = new ArrayList<>();
        index.forEach(order::add);
        assertEquals(new ArrayList<>(reference.values()), order);
    }
}
