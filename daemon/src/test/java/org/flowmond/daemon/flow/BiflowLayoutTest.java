package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.T0;
import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * What {@link Biflow}'s compact layout must keep exact: hooks and namespaces held in shared
 * {@link Biflow.Shape}s whatever the cache holds, a counting hook chosen by an earlier scan never
 * replaced however many scans later, and the TCP health of each direction on its own.
 */
@UnitTest
class BiflowLayoutTest {

    /** More distinct shapes than the cache has slots: every flow keeps its own namespace and hooks. */
    @Test
    void everyFlowKeepsItsOwnNamespaceAndHooksWhenSharedShapesCollide() {
        FlowFixture f = new FlowFixture();
        int n = 10_000; // distinct (namespace, hook) pairs, over twice the cache's slots
        Map<Integer, long[]> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int ifindex = 2 + i;
            long netns = 0xF000_0000L + i * 7L; // inodes above 2^31: unsigned 32-bit numbers stay exact
            Direction hook = i % 2 == 0 ? Direction.INGRESS : Direction.EGRESS;
            FlowKey k = key("10.0.0.2", 1024 + i % 50_000, "10.0.0.1", 53, UDP, ifindex, hook).inNamespace(netns);
            f.put(k, 1, 60, T0, T0, 0);
            expected.put(1024 + i % 50_000, new long[] {ifindex, netns, hook.ordinal()});
        }
        f.now = T0 + S;
        f.scan();
        f.flushAll();
        assertEquals(n, f.biflows.size());
        for (BiflowRecord r : f.biflows) {
            long[] e = expected.get(r.src().port());
            assertEquals(e[0], r.fwdIfindex(), "port " + r.src().port());
            assertEquals(e[1], r.netns(), "port " + r.src().port());
            assertEquals(e[2], r.fwdHook().ordinal(), "port " + r.src().port());
        }
    }

    @Test
    void aShapeHoldsExactlyTheValuesItWasAskedFor() {
        ObservationPoint in2 = ObservationPoint.of(key("10.0.0.2", 1, "10.0.0.1", 2, UDP, 2, Direction.INGRESS));
        ObservationPoint out9 = ObservationPoint.of(key("10.0.0.2", 1, "10.0.0.1", 2, UDP, 9, Direction.EGRESS));
        Biflow.Shape a = Biflow.Shape.of(0xFFFF_FFFFL, FlowKey.ETH_P_IP << 8 | TCP, null, null, null, false);
        Biflow.Shape b = a.withCounting(true, in2).withCounting(false, out9).withFirstEntry(in2, true);
        assertEquals(0xFFFF_FFFFL, b.netns);
        assertEquals(FlowKey.ETH_P_IP << 8 | TCP, b.kind);
        assertEquals(in2, b.lowCounting);
        assertEquals(out9, b.highCounting);
        assertEquals(in2, b.firstEntry);
        assertTrue(b.firstEntryFromLow);
        assertSame(b, b.withCounting(true, in2), "no change, no new shape");
        assertSame(b, Biflow.Shape.of(0xFFFF_FFFFL, FlowKey.ETH_P_IP << 8 | TCP, in2, out9, in2, true),
                "equal values share the cached shape");
        Biflow.Shape c = b.withFirstEntry(in2, false);
        assertFalse(c.firstEntryFromLow);
        assertEquals(in2, c.lowCounting, "the other values are kept");
    }

    /**
     * The choice of a direction's counting hook may be replaced by an earlier observation only in
     * the scan that made it. Long after (more scans than a byte or a short counts), an entry of a
     * new hook with an earlier first packet is one more tracked entry, not the counting one.
     */
    @Test
    void aCountingHookChosenByAnEarlierScanIsNeverReplacedManyScansLater() {
        FlowFixture f = new FlowFixture();
        FlowKey leftAt2 = key("192.168.1.5", 3333, "10.1.1.1", 443, UDP, 2, Direction.EGRESS);
        FlowKey enteredAt3 = key("192.168.1.5", 3333, "10.1.1.1", 443, UDP, 3, Direction.INGRESS);
        f.put(leftAt2, 5, 500, T0 + 5000, T0 + S, 0);
        f.now = T0 + 2 * S;
        f.scan();
        int scans = (1 << 16) - 1; // the late scan is 2^16 scans after the choice: a byte or short number would wrap onto it
        for (int i = 0; i < scans; i++) {
            f.scan(List.of());
        }
        f.now = T0 + 4 * S;
        f.scan(List.of(f.put(enteredAt3, 6, 600, T0, T0 + 3 * S, 0), // earlier first packet, but a later scan
                f.put(leftAt2, 6, 600, T0 + 5000, T0 + 3 * S, 0)));
        f.flushAll();
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(6, r.fwdPackets());
        assertEquals(2, r.fwdIfindex(), "the first scan's choice stands");
        assertEquals(Direction.EGRESS, r.fwdHook());
        assertEquals(1L, f.table.statistics().get("flows.redundant-observations"));
        assertTrue(f.kernel.isEmpty(), "both entries read and deleted");
    }

    /** One direction's TCP health is forgotten (its counting hook replaced) while the other's stays. */
    @Test
    void theTcpHealthOfEachDirectionIsKeptAndDroppedOnItsOwn() {
        Biflow b = Biflow.of(BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS)), T0);
        assertNull(b.tcp(true));
        TcpTrack low = new TcpTrack();
        TcpTrack high = new TcpTrack();
        b.setTcp(true, low);
        b.setTcp(false, high);
        assertSame(low, b.tcp(true));
        assertSame(high, b.tcp(false));
        b.reset(true);
        assertNull(b.tcp(true));
        assertSame(high, b.tcp(false));
        b.reset(false);
        assertNull(b.tcp(false));
        b.setTcp(false, high);
        assertNull(b.tcp(true));
        assertSame(high, b.tcp(false));
        assertEquals(ip("10.0.0.1"), b.key().low().address());
    }
}
