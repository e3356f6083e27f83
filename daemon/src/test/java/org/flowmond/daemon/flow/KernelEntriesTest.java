package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.junit.jupiter.api.Test;

/** The flat per-biflow record of kernel entries and their last readings. */
class KernelEntriesTest {
    static final FlowKey A = key("10.0.0.2", 5000, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
    static final FlowKey B = key("10.0.0.1", 53, "10.0.0.2", 5000, UDP, 2, Direction.INGRESS);
    static final FlowKey C = key("10.0.0.2", 5000, "10.0.0.1", 53, UDP, 3, Direction.INGRESS);
    static final FlowKey D = key("10.0.0.1", 53, "10.0.0.2", 5000, UDP, 3, Direction.EGRESS);

    @Test
    void emptyKnowsNoKey() {
        KernelEntries e = new KernelEntries();
        assertEquals(0, e.size());
        assertEquals(-1, e.indexOf(A));
    }

    @Test
    void keepsEachEntrysLastReadingInTheOrderTheyCame() {
        KernelEntries e = new KernelEntries();
        e.put(A, 1, 100);
        e.put(B, 2, 200);
        e.put(C, 3, 300);
        e.put(D, 4, 400);
        assertEquals(4, e.size());
        FlowKey[] keys = {A, B, C, D};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i, e.indexOf(keys[i]));
            assertSame(keys[i], e.key(i));
            assertEquals(i + 1, e.packets(i));
            assertEquals(100L * (i + 1), e.bytes(i));
        }
    }

    @Test
    void aNewReadingReplacesTheCountsAndKeepsTheFirstKeyObject() {
        KernelEntries e = new KernelEntries();
        e.put(A, 1, 100);
        e.put(B, 2, 200);
        FlowKey equalToB = key("10.0.0.1", 53, "10.0.0.2", 5000, UDP, 2, Direction.INGRESS);
        e.put(equalToB, 7, 700);
        e.put(A, 5, 500);
        assertEquals(2, e.size());
        assertSame(B, e.key(1));
        assertEquals(7, e.packets(1));
        assertEquals(700, e.bytes(1));
        assertEquals(5, e.packets(0));
        assertEquals(500, e.bytes(0));
    }
}
