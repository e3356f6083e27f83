package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.MS;
import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.T0;
import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Merge, observation points, initiator rules and every flowEndReason, with a hand-driven clock. */
@UnitTest
class BiflowTableTest {
    static final int SYN = FlowCounters.SYN;
    static final int ACK = FlowCounters.ACK;
    static final int FIN = FlowCounters.FIN;
    static final int RST = FlowCounters.RST;

    // 10.0.0.2:40000 (client) -> 10.0.0.1:80 (server), seen on eth (ifindex 2) of the client host
    static final FlowKey OUT = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
    static final FlowKey IN = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.INGRESS);

    /**
     * Memory at scale: a new flow gets one deadline ticket (it used to get one at creation and a
     * second one as soon as its first packets, older than its creation, moved the deadline earlier:
     * 80 bytes per flow, 80 MB at 1,000,000 flows), and flows of one hook share its observation point.
     */
    @Test
    void aNewFlowLeavesOneDeadlineTicketAndSharesItsObservationPoint() {
        FlowFixture f = new FlowFixture();
        int n = 100;
        for (int i = 0; i < n; i++) {
            f.put(key("10.0.0.2", 1024 + i, "10.0.0.1", 53, UDP, 2, Direction.INGRESS), 1, 60, T0, T0, 0);
        }
        f.now = T0 + S; // the scan comes after the packets, as it always does
        f.scan();
        assertEquals(n, f.table.activeBiflows());
        assertEquals(n, f.table.scheduledBiflowDeadlines());
        f.scan(); // nothing changed: nothing rescheduled
        assertEquals(n, f.table.scheduledBiflowDeadlines());
        org.junit.jupiter.api.Assertions.assertSame(
                ObservationPoint.of(key("10.0.0.2", 1024, "10.0.0.1", 53, UDP, 2, Direction.INGRESS)),
                ObservationPoint.of(key("10.0.0.2", 1025, "10.0.0.1", 53, UDP, 2, Direction.INGRESS)));
        f.at(T0 + 30 * S);
        assertEquals(n, f.biflows.size(), "all idle at once");
        assertTrue(f.kernel.isEmpty(), "every kernel entry read and deleted");
        assertEquals(0, f.table.activeBiflows());
    }

    /**
     * The kernel's bound on new entries sizes the index before the merge, never beyond the table's
     * capacity (max-flows 1,000: room for 1,000 in 2,048 slots, whatever the bound says).
     */
    @Test
    void aScanMakesRoomForTheKernelsNewEntriesUpToTheCapacity() {
        FlowFixture f = new FlowFixture();
        f.now = T0 + S;
        try (ScanMerge merge = f.table.beginScan(300)) {
            merge.accept(new org.flowmond.bpf.api.UniFlow(OUT, new FlowCounters(1, 60, T0, T0, SYN)));
        }
        assertEquals(1024, f.table.biflowIndexCapacity(), "room for 1 + 300 flows at most half full");
        try (ScanMerge merge = f.table.beginScan(50_000_000)) {
            merge.accept(new org.flowmond.bpf.api.UniFlow(IN, new FlowCounters(1, 60, T0 + MS, T0 + MS, SYN | ACK)));
        }
        assertEquals(2048, f.table.biflowIndexCapacity(), "room for the capacity, 1,000 flows, not 50,000,001");
        assertEquals(1, f.table.activeBiflows());
    }

    @Test
    void mergesBothDirectionsIntoOneBiflowAndExportsOnIdleTimeout() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 10, 1000, T0, T0 + 900 * MS, SYN | ACK);
        f.put(IN, 8, 6000, T0 + 1 * MS, T0 + 950 * MS, SYN | ACK);
        f.now = T0 + S;
        f.scan();
        assertEquals(1, f.table.activeBiflows());
        f.at(T0 + 950 * MS + 30 * S - 1);
        assertTrue(f.biflows.isEmpty(), "not idle yet");
        f.at(T0 + 950 * MS + 30 * S);
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(new Endpoint(ip("10.0.0.2"), 40000), r.src());
        assertEquals(new Endpoint(ip("10.0.0.1"), 80), r.dst());
        assertEquals(InitiatorRule.FIRST_PACKET, r.initiatorRule());
        assertEquals(10, r.fwdPackets());
        assertEquals(1000, r.fwdBytes());
        assertEquals(8, r.revPackets());
        assertEquals(6000, r.revBytes());
        assertEquals(T0, r.startNanos());
        assertEquals(T0 + 950 * MS, r.endNanos());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, r.reason());
        assertEquals(1, r.reason().code());
        assertEquals(2, r.fwdIfindex());
        assertEquals(4, r.ipVersion());
        assertTrue(f.kernel.isEmpty(), "kernel entries removed at expiry");
        assertEquals(0, f.table.activeBiflows());
    }

    @Test
    void incrementsAfterTheLastScanAreCountedByLookupAndDelete() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 3, 180, T0, T0, SYN);
        f.put(IN, 1, 60, T0 + MS, T0 + MS, SYN | ACK);
        f.now = T0 + S;
        f.scan();
        // more packets arrive, then FIN both ways, all seen by one scan
        f.put(OUT, 7, 500, T0, T0 + 2 * S, SYN | ACK | FIN);
        f.put(IN, 5, 400, T0 + MS, T0 + 2 * S, SYN | ACK | FIN);
        f.now = T0 + 2 * S;
        f.scan();
        // during the linger the last ACK arrives, after the last scan
        f.put(OUT, 8, 552, T0, T0 + 2 * S + 10 * MS, SYN | ACK | FIN);
        f.at(T0 + 3 * S - 1);
        assertTrue(f.biflows.isEmpty(), "still lingering");
        f.at(T0 + 3 * S);
        BiflowRecord r = f.biflows.get(0);
        assertEquals(FlowEndReason.END_OF_FLOW, r.reason());
        assertEquals(3, r.reason().code());
        assertEquals(8, r.fwdPackets());
        assertEquals(552, r.fwdBytes());
        assertEquals(5, r.revPackets());
        assertEquals(400, r.revBytes());
        assertEquals(InitiatorRule.SYN, r.initiatorRule(), "the first scan caught the bare SYN");
        assertTrue(f.kernel.isEmpty());
    }

    /**
     * Shutdown with the whole map read and deleted at once: the increments since the last scan are
     * counted, a flow the table never saw (created after the last scan) is exported too, and no
     * entry is read on its own.
     */
    @Test
    void flushAllRemovesTheWholeMapAtOnceAndCountsEveryIncrement() {
        FlowFixture f = new FlowFixture();
        f.batchRemoval = true;
        f.put(OUT, 3, 180, T0, T0, SYN);
        f.put(IN, 1, 60, T0 + MS, T0 + MS, SYN | ACK);
        f.now = T0 + S;
        f.scan();
        f.put(OUT, 8, 552, T0, T0 + 2 * S, SYN | ACK); // after the last scan
        FlowKey later = key("10.0.0.2", 40001, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        f.put(later, 2, 130, T0 + 2 * S, T0 + 2 * S + MS, 0); // a flow the table has not seen
        f.now = T0 + 3 * S;
        f.flushAll();
        assertEquals(2, f.biflows.size());
        BiflowRecord r = f.biflows.stream().filter(b -> b.src().port() == 40000).findFirst().orElseThrow();
        assertEquals(FlowEndReason.FORCED_END, r.reason());
        assertEquals(8, r.fwdPackets());
        assertEquals(552, r.fwdBytes());
        assertEquals(1, r.revPackets());
        assertEquals(60, r.revBytes());
        assertEquals(InitiatorRule.SYN, r.initiatorRule());
        BiflowRecord n = f.biflows.stream().filter(b -> b.src().port() == 40001).findFirst().orElseThrow();
        assertEquals(FlowEndReason.FORCED_END, n.reason());
        assertEquals(2, n.fwdPackets());
        assertEquals(130, n.fwdBytes());
        assertEquals(0, n.revPackets());
        assertTrue(f.kernel.isEmpty());
        assertEquals(3, f.batchRemoved);
        assertTrue(f.deletions.isEmpty(), "no entry read on its own: " + f.deletions);
        assertEquals(0, f.table.activeBiflows());
    }

    /** The removal of the whole map is the last scan: no scan of the map before it. */
    @Test
    void theRemovalOfTheWholeMapIsTheLastScan() {
        FlowFixture f = new FlowFixture();
        f.batchRemoval = true;
        aScannedFlowGrowsAndANewOneComes(f);
        int[] lastScans = new int[1];
        f.now = T0 + 3 * S;
        f.table.flushAll(() -> lastScans[0]++);
        assertEquals(0, lastScans[0], "no scan before the removal");
        assertEquals(2, f.biflows.size());
        assertEquals(5, f.biflows.stream().filter(b -> b.src().port() == 40000).findFirst().orElseThrow().fwdPackets());
        assertEquals(2, f.biflows.stream().filter(b -> b.src().port() == 40001).findFirst().orElseThrow().fwdPackets());
        assertEquals(2, f.batchRemoved);
        assertTrue(f.deletions.isEmpty(), "no entry read on its own: " + f.deletions);
    }

    /** Flow 40000 scanned at 3 packets, then at 5 in the kernel; flow 40001 (2 packets) in the kernel only. */
    private static void aScannedFlowGrowsAndANewOneComes(FlowFixture f) {
        f.put(OUT, 3, 180, T0, T0, SYN);
        f.now = T0 + S;
        f.scan();
        f.put(OUT, 5, 300, T0, T0 + 2 * S, SYN | ACK);
        FlowKey later = key("10.0.0.2", 40001, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        f.put(later, 2, 130, T0 + 2 * S, T0 + 2 * S + MS, 0);
    }

    /**
     * Where the kernel cannot remove the map whole, the last scan runs first, so a flow the table
     * has not seen yet is exported too; then each flow's entries are read and deleted one by one.
     */
    @Test
    void withoutTheBatchRemovalTheLastScanRunsFirst() {
        FlowFixture f = new FlowFixture();
        aScannedFlowGrowsAndANewOneComes(f);
        f.now = T0 + 3 * S;
        f.table.flushAll(f::scan);
        assertEquals(2, f.biflows.size());
        BiflowRecord r = f.biflows.stream().filter(b -> b.src().port() == 40000).findFirst().orElseThrow();
        assertEquals(FlowEndReason.FORCED_END, r.reason());
        assertEquals(5, r.fwdPackets());
        assertEquals(300, r.fwdBytes());
        BiflowRecord n = f.biflows.stream().filter(b -> b.src().port() == 40001).findFirst().orElseThrow();
        assertEquals(FlowEndReason.FORCED_END, n.reason());
        assertEquals(2, n.fwdPackets());
        assertEquals(0, f.batchRemoved);
        assertTrue(f.kernel.isEmpty());
        assertEquals(0, f.table.activeBiflows());
    }

    @Test
    void rstEndsTheFlowAfterTheLinger() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 1, 60, T0, T0, SYN);
        f.put(IN, 1, 40, T0 + MS, T0 + MS, RST | ACK);
        f.now = T0 + S;
        f.scan();
        f.at(T0 + 2 * S);
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(FlowEndReason.END_OF_FLOW, r.reason());
        assertEquals(InitiatorRule.SYN, r.initiatorRule());
        assertEquals(new Endpoint(ip("10.0.0.2"), 40000), r.src());
        assertEquals(1, r.fwdPackets());
        assertEquals(1, r.revPackets());
    }

    @Test
    void synWithoutAckBeatsFirstPacket() {
        FlowFixture f = new FlowFixture();
        // the server's answer carries an earlier timestamp (e.g. clocks of two CPUs), but only the client sent a bare SYN
        f.put(OUT, 1, 60, T0 + 5 * MS, T0 + 5 * MS, SYN);
        f.put(IN, 1, 60, T0, T0, SYN | ACK);
        f.now = T0 + S;
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(InitiatorRule.SYN, r.initiatorRule());
        assertEquals(40000, r.src().port());
        assertEquals(FlowEndReason.FORCED_END, r.reason());
        assertEquals(4, r.reason().code());
    }

    @Test
    void activeTimeoutExportsDeltasAndTheFlowContinues() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 60, 1, 1000, 1000), FilterSettings.NONE);
        f.put(OUT, 100, 10_000, T0, T0 + 59 * S, ACK);
        f.put(IN, 50, 2_500, T0 + MS, T0 + 59 * S, ACK);
        f.scan(); // created at T0
        f.at(T0 + 60 * S);
        assertEquals(1, f.biflows.size());
        BiflowRecord first = f.biflows.get(0);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, first.reason());
        assertEquals(2, first.reason().code());
        assertEquals(100, first.fwdPackets());
        assertEquals(50, first.revPackets());
        assertEquals(1, f.table.activeBiflows(), "continues after an active export");

        f.put(OUT, 130, 13_000, T0, T0 + 100 * S, ACK);
        f.put(IN, 60, 3_000, T0 + MS, T0 + 100 * S, ACK);
        f.now = T0 + 100 * S;
        f.scan();
        f.at(T0 + 120 * S);
        BiflowRecord second = f.biflows.get(1);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, second.reason());
        assertEquals(30, second.fwdPackets());
        assertEquals(3_000, second.fwdBytes());
        assertEquals(10, second.revPackets());
        assertEquals(500, second.revBytes());
        assertEquals(first.endNanos(), second.startNanos(), "a continued record starts where the previous ended");

        f.at(T0 + 130 * S);
        assertEquals(2, f.biflows.size(), "idle with nothing new since the active export: no empty record");
        assertEquals(0, f.table.activeBiflows());
        assertEquals(1L, f.table.statistics().get("flows.ended-without-packets"));
    }

    @Test
    void fullTableExportsTheOldestIdleFlowForLackOfResources() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 2, 1000), FilterSettings.NONE);
        FlowKey a = key("10.0.0.2", 1, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        FlowKey b = key("10.0.0.2", 2, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        FlowKey c = key("10.0.0.2", 3, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        f.put(a, 1, 100, T0, T0, 0);
        f.put(b, 1, 100, T0, T0, 0);
        f.scan();
        f.put(a, 2, 200, T0, T0 + S, 0); // a is active again: b is now the oldest-idle
        f.now = T0 + S;
        f.scan();
        f.put(c, 1, 100, T0 + 2 * S, T0 + 2 * S, 0);
        f.now = T0 + 2 * S;
        f.scan();
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, r.reason());
        assertEquals(5, r.reason().code());
        assertEquals(2, r.src().port());
        assertEquals(2, f.table.activeBiflows());
        assertNull(f.kernel.get(b), "the evicted flow's kernel entry is deleted too");
    }

    @Test
    void loopbackPacketsSeenOnEgressAndIngressAreCountedOnce() {
        FlowFixture f = new FlowFixture();
        int lo = 1;
        FlowKey cOut = key("127.0.0.1", 50000, "127.0.0.1", 8080, TCP, lo, Direction.EGRESS);
        FlowKey cIn = key("127.0.0.1", 50000, "127.0.0.1", 8080, TCP, lo, Direction.INGRESS);
        FlowKey sOut = key("127.0.0.1", 8080, "127.0.0.1", 50000, TCP, lo, Direction.EGRESS);
        FlowKey sIn = key("127.0.0.1", 8080, "127.0.0.1", 50000, TCP, lo, Direction.INGRESS);
        f.put(cOut, 6, 400, T0, T0 + 10 * MS, SYN | ACK | FIN);
        f.put(cIn, 6, 400, T0 + 1000, T0 + 10 * MS + 1000, SYN | ACK | FIN);
        f.put(sOut, 4, 5000, T0 + MS, T0 + 11 * MS, SYN | ACK | FIN);
        f.put(sIn, 4, 5000, T0 + MS + 1000, T0 + 11 * MS + 1000, SYN | ACK | FIN);
        f.now = T0 + S;
        f.scan();
        f.at(T0 + 2 * S);
        BiflowRecord r = f.biflows.get(0);
        assertEquals(6, r.fwdPackets());
        assertEquals(400, r.fwdBytes());
        assertEquals(4, r.revPackets());
        assertEquals(5000, r.revBytes());
        assertEquals(50000, r.src().port());
        assertTrue(f.kernel.isEmpty(), "all four kernel entries deleted");
        assertEquals(2L, f.table.statistics().get("flows.redundant-observations"));
    }

    @Test
    void aForwardedPacketIsCountedWhereItEnteredNotAgainWhereItLeft() {
        FlowFixture f = new FlowFixture();
        FlowKey inEth1 = key("192.168.1.5", 3333, "10.1.1.1", 443, TCP, 3, Direction.INGRESS);
        FlowKey outEth0 = key("192.168.1.5", 3333, "10.1.1.1", 443, TCP, 2, Direction.EGRESS);
        FlowKey backIn = key("10.1.1.1", 443, "192.168.1.5", 3333, TCP, 2, Direction.INGRESS);
        FlowKey backOut = key("10.1.1.1", 443, "192.168.1.5", 3333, TCP, 3, Direction.EGRESS);
        f.put(inEth1, 10, 1000, T0, T0 + S, SYN | ACK);
        f.put(outEth0, 10, 1000, T0 + 5000, T0 + S + 5000, SYN | ACK);
        f.put(backIn, 9, 9000, T0 + MS, T0 + S, SYN | ACK);
        f.put(backOut, 9, 9000, T0 + MS + 5000, T0 + S + 5000, SYN | ACK);
        f.now = T0 + 2 * S;
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(10, r.fwdPackets());
        assertEquals(9, r.revPackets());
        assertEquals(3, r.fwdIfindex(), "client to server counted on ingress of eth1");
        assertEquals(2, r.revIfindex(), "server to client counted on ingress of eth0");
    }

    /** The counting hook is the earliest observation of the scan whatever order the scan lists them in. */
    @Test
    void theFirstHookAPacketPassesCountsInEveryScanOrder() {
        FlowKey inEth1 = key("192.168.1.5", 3333, "10.1.1.1", 443, UDP, 3, Direction.INGRESS);
        FlowKey outEth0 = key("192.168.1.5", 3333, "10.1.1.1", 443, UDP, 2, Direction.EGRESS);
        FlowKey outEth4 = key("192.168.1.5", 3333, "10.1.1.1", 443, UDP, 4, Direction.EGRESS);
        int[][] orders = {{0, 1, 2}, {1, 0, 2}, {1, 2, 0}, {2, 1, 0}};
        for (int[] order : orders) {
            FlowFixture f = new FlowFixture();
            org.flowmond.bpf.api.UniFlow[] seen = {
                f.put(inEth1, 10, 1000, T0, T0 + S, 0),
                f.put(outEth0, 10, 1000, T0 + 5000, T0 + S + 5000, 0),
                f.put(outEth4, 10, 1000, T0 + 5000, T0 + S + 5000, 0)};
            java.util.List<org.flowmond.bpf.api.UniFlow> scan = new java.util.ArrayList<>();
            for (int i : order) {
                scan.add(seen[i]);
            }
            f.now = T0 + 2 * S;
            f.scan(scan);
            f.flushAll();
            BiflowRecord r = f.biflows.get(0);
            String o = java.util.Arrays.toString(order);
            assertEquals(10, r.fwdPackets(), o);
            assertEquals(3, r.fwdIfindex(), o);
            assertEquals(Direction.INGRESS, r.fwdHook(), o);
            assertEquals(2L, f.table.statistics().get("flows.redundant-observations"), o);
            assertTrue(f.kernel.isEmpty(), o);
        }
    }

    /**
     * A scan is merged as it is read: the first reading of a new direction counts at once. An
     * earlier observation right after it in the same scan takes over: the direction is emptied
     * (packets, bytes, flags, times) and counts that entry alone; the replaced entry is tracked,
     * counted as a redundant observation, and read and deleted with the flow.
     */
    @Test
    void anEarlierObservationRightAfterTheFirstReadingReplacesIt() {
        FlowFixture f = new FlowFixture();
        FlowKey leftAt2 = key("192.168.1.5", 3333, "10.1.1.1", 443, TCP, 2, Direction.EGRESS);
        FlowKey enteredAt3 = key("192.168.1.5", 3333, "10.1.1.1", 443, TCP, 3, Direction.INGRESS);
        java.util.List<org.flowmond.bpf.api.UniFlow> scan = new java.util.ArrayList<>();
        scan.add(f.put(leftAt2, 11, 1100, T0 + 5000, T0 + S + 5000, SYN | ACK | FIN));
        scan.add(f.put(enteredAt3, 10, 1000, T0, T0 + S, SYN | ACK));
        f.now = T0 + 2 * S;
        f.scan(scan);
        assertEquals(1L, f.table.statistics().get("flows.redundant-observations"));
        f.put(leftAt2, 15, 1500, T0 + 5000, T0 + 3 * S + 5000, SYN | ACK);
        f.put(enteredAt3, 14, 1400, T0, T0 + 3 * S, SYN | ACK);
        f.now = T0 + 4 * S;
        f.scan(); // a later scan: the choice stands, only the counting entry's difference is added
        f.flushAll();
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(14, r.fwdPackets());
        assertEquals(1400, r.fwdBytes());
        assertEquals(SYN | ACK, r.fwdTcpFlags(), "the replaced entry's FIN is not the direction's");
        assertEquals(3, r.fwdIfindex());
        assertEquals(Direction.INGRESS, r.fwdHook());
        assertEquals(T0, r.startNanos());
        assertEquals(T0 + 3 * S, r.endNanos());
        assertEquals(0, r.revPackets());
        assertEquals(1L, f.table.statistics().get("flows.redundant-observations"));
        assertTrue(f.kernel.isEmpty(), "both entries read and deleted");
        assertEquals(2, f.deletions.size());
    }

    /**
     * The earlier observation comes several chunks of the map read later (a chunk is 256 entries),
     * after the other direction and hundreds of other flows: it still takes over, and the
     * initiator is decided only after the scan, from the direction as finally counted (the
     * replaced entry's later first packet would have made the server the initiator).
     */
    @Test
    void anEarlierObservationInALaterChunkOfTheScanReplacesTheFirstReading() {
        FlowFixture f = new FlowFixture();
        FlowKey leftAt2 = key("192.168.1.5", 3333, "10.1.1.1", 53, UDP, 2, Direction.EGRESS);
        FlowKey enteredAt3 = key("192.168.1.5", 3333, "10.1.1.1", 53, UDP, 3, Direction.INGRESS);
        FlowKey answerAt2 = key("10.1.1.1", 53, "192.168.1.5", 3333, UDP, 2, Direction.INGRESS);
        FlowKey answerLeftAt3 = key("10.1.1.1", 53, "192.168.1.5", 3333, UDP, 3, Direction.EGRESS);
        java.util.List<org.flowmond.bpf.api.UniFlow> scan = new java.util.ArrayList<>();
        scan.add(f.put(leftAt2, 4, 400, T0 + 3 * MS, T0 + S + 5 * MS, 0));
        scan.add(f.put(answerAt2, 3, 900, T0 + 2 * MS, T0 + S, 0));
        int others = 600;
        for (int i = 0; i < others; i++) {
            scan.add(f.put(key("10.0.0.2", 1024 + i, "10.0.0.1", 53, UDP, 2, Direction.INGRESS), 1 + i % 5, 60,
                    T0, T0, 0));
        }
        scan.add(f.put(enteredAt3, 4, 400, T0 + MS, T0 + S - 3 * MS, 0)); // three chunks after the first reading
        scan.add(f.put(answerLeftAt3, 3, 900, T0 + 2 * MS + 7000, T0 + S + 7000, 0)); // later: not counted
        f.now = T0 + 2 * S;
        f.scan(scan);
        assertEquals(others + 1, f.table.activeBiflows());
        assertEquals(2L, f.table.statistics().get("flows.redundant-observations"),
                "the replaced entry and the answer's second hook");
        f.flushAll();
        assertEquals(others + 1, f.biflows.size());
        BiflowRecord r = f.biflows.stream().filter(b -> b.src().port() == 3333 || b.dst().port() == 3333)
                .findFirst().orElseThrow();
        assertEquals(new Endpoint(ip("192.168.1.5"), 3333), r.src(), "first packet at T0 + 1 ms, before the answer's");
        assertEquals(InitiatorRule.FIRST_PACKET, r.initiatorRule());
        assertEquals(4, r.fwdPackets());
        assertEquals(400, r.fwdBytes());
        assertEquals(3, r.fwdIfindex());
        assertEquals(Direction.INGRESS, r.fwdHook());
        assertEquals(3, r.revPackets());
        assertEquals(900, r.revBytes());
        assertEquals(2, r.revIfindex());
        assertEquals(T0 + MS, r.startNanos());
        assertEquals(T0 + S, r.endNanos(), "the answer's last packet; the replaced entry's is not counted");
        long otherPackets = 0;
        for (BiflowRecord o : f.biflows) {
            if (o != r) {
                otherPackets += o.fwdPackets() + o.revPackets();
            }
        }
        long expected = 0;
        for (int i = 0; i < others; i++) {
            expected += 1 + i % 5;
        }
        assertEquals(expected, otherPackets, "every other flow counted once");
        assertTrue(f.kernel.isEmpty());
        f.deletions.forEach((k, n) -> assertEquals(1, n, "deleted once: " + k));
    }

    /**
     * A new flow takes the table over its capacity; the eviction comes after the whole scan is
     * merged (it used to come when the new flow was created, in the middle of the scan). b's
     * reading further down the scan is merged first, so b is no longer the oldest-idle flow: a,
     * touched earlier in the same scan, goes. Every packet is counted once.
     */
    @Test
    void anEvictionAfterAScanCountsEveryPacketOnce() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 2, 10), FilterSettings.NONE);
        FlowKey a = key("10.0.0.2", 1001, "10.0.0.1", 53, UDP, 2, Direction.INGRESS);
        FlowKey b = key("10.0.0.2", 1002, "10.0.0.1", 53, UDP, 2, Direction.INGRESS);
        FlowKey c = key("10.0.0.2", 1003, "10.0.0.1", 53, UDP, 2, Direction.INGRESS);
        java.util.List<org.flowmond.bpf.api.UniFlow> first = new java.util.ArrayList<>();
        first.add(f.put(b, 1, 100, T0, T0, 0));
        first.add(f.put(a, 1, 100, T0, T0, 0));
        f.now = T0 + S;
        f.scan(first);
        java.util.List<org.flowmond.bpf.api.UniFlow> second = new java.util.ArrayList<>();
        second.add(f.put(a, 3, 300, T0, T0 + S, 0)); // a active again: b is the oldest-idle
        second.add(f.put(c, 5, 500, T0 + S, T0 + S, 0)); // a third flow: one has to go, after the merge
        second.add(f.put(b, 2, 200, T0, T0 + S, 0)); // b active too: a is now the oldest-idle
        f.now = T0 + 2 * S;
        f.scan(second);
        assertEquals(1, f.biflows.size());
        BiflowRecord evicted = f.biflows.get(0);
        assertEquals(1001, evicted.src().port());
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, evicted.reason());
        assertEquals(3, evicted.fwdPackets(), "the eviction's own final reading");
        f.flushAll();
        assertEquals(3, f.biflows.size());
        for (BiflowRecord r : f.biflows.subList(1, 3)) {
            assertEquals(r.src().port() == 1002 ? 2 : 5, r.fwdPackets(), r.toString());
        }
        assertTrue(f.kernel.isEmpty());
    }

    /**
     * A scan of more new flows than {@code max-flows} is merged whole, then the oldest-idle flows
     * go (lack of resources) down to {@code max-flows}: the idle ones first, then the ones touched
     * earliest; new flows are the youngest. Every kernel entry is read and deleted exactly once and
     * every packet is exported once.
     */
    @Test
    void aScanLargerThanMaxFlowsEvictsAfterMergingOldestIdleFirst() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 3, 10), FilterSettings.NONE);
        FlowKey idle = key("10.0.0.2", 2001, "10.0.0.1", 53, UDP, 2, Direction.INGRESS);
        FlowKey busy = key("10.0.0.2", 2002, "10.0.0.1", 53, UDP, 2, Direction.INGRESS);
        f.put(idle, 1, 100, T0, T0, 0);
        f.put(busy, 1, 100, T0, T0, 0);
        f.scan();
        java.util.List<org.flowmond.bpf.api.UniFlow> scan = new java.util.ArrayList<>();
        scan.add(f.put(busy, 4, 400, T0, T0 + S, 0));
        for (int i = 0; i < 5; i++) { // in scan order: 3000 is the oldest of the new flows
            scan.add(f.put(key("10.0.0.3", 3000 + i, "10.0.0.1", 53, UDP, 2, Direction.INGRESS),
                    10 + i, 1000, T0 + S, T0 + S, 0));
        }
        scan.add(f.put(idle, 1, 100, T0, T0, 0)); // unchanged: idle since the first scan
        f.now = T0 + S;
        f.scan(scan);
        assertEquals(3, f.table.activeBiflows(), "down to max-flows after the scan");
        assertEquals(4, f.biflows.size(), "7 flows, 3 kept");
        java.util.List<Integer> evictedPorts = new java.util.ArrayList<>();
        for (BiflowRecord r : f.biflows) {
            assertEquals(FlowEndReason.LACK_OF_RESOURCES, r.reason(), r.toString());
            evictedPorts.add(r.src().port());
        }
        assertEquals(java.util.List.of(2001, 2002, 3000, 3001), evictedPorts, "oldest idle first");
        f.flushAll();
        long packets = 0;
        for (BiflowRecord r : f.biflows) {
            packets += r.fwdPackets() + r.revPackets();
        }
        assertEquals(1 + 4 + 10 + 11 + 12 + 13 + 14, packets, "every packet exported once");
        assertEquals(7, f.biflows.size());
        assertTrue(f.kernel.isEmpty());
        assertEquals(7, f.deletions.size());
        f.deletions.forEach((k, n) -> assertEquals(1, n, "deleted once: " + k));
    }

    @Test
    void aKernelEntryThatWentBackwardsWasRecreatedAndCountsInFull() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 10, 1000, T0, T0, ACK);
        f.scan();
        f.put(OUT, 2, 200, T0 + S, T0 + S, ACK);
        f.now = T0 + S;
        f.scan();
        f.flushAll();
        assertEquals(12, f.biflows.get(0).fwdPackets());
        assertEquals(1200, f.biflows.get(0).fwdBytes());
        assertEquals(1L, f.table.statistics().get("flows.kernel-counter-resets"));
    }

    @Test
    void overflowPacketsAreAddedToTheFlow() {
        FlowFixture f = new FlowFixture();
        f.table.onOverflow(new org.flowmond.bpf.api.UniFlow(OUT, FlowFixture.counters(1, 60, T0, T0, SYN)));
        f.table.onOverflow(new org.flowmond.bpf.api.UniFlow(OUT, FlowFixture.counters(1, 52, T0 + MS, T0 + MS, ACK)));
        f.flushAll();
        assertEquals(2, f.biflows.get(0).fwdPackets());
        assertEquals(112, f.biflows.get(0).fwdBytes());
        assertEquals(2L, f.table.statistics().get("flows.overflow-packets"));
    }

    @Test
    void neverExportsARecordWithoutPackets() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 0, 0, 0, 0, 0);
        f.scan();
        f.flushAll();
        assertTrue(f.biflows.isEmpty());
        assertEquals(1L, f.table.statistics().get("flows.ended-without-packets"));
    }
}
