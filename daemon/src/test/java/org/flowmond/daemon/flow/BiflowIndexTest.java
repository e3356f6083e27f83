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
            Biflow home = index.home(k.hashCode());
            if (home == null) {
                assertNull(found, "an empty home slot: " + k + " is not in the index");
            } else if (home.hasKey(k)) {
                assertSame(found, home, "the home slot holds " + k);
            }
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

    private static void assertOrder(LinkedHashMap<BiflowKey, Biflow> reference, BiflowIndex index) {
        assertEquals(reference.size(), index.size());
        List<Biflow> order = new ArrayList<>();
        index.forEach(order::add);
        assertEquals(new ArrayList<>(reference.values()), order);
    }
}
