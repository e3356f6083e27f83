package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.libbpf.MapEntries;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** A scan kept as the chunks the batched read returned, decoded on access, in any order. */
@UnitTest
class ScanEntriesTest {
    private final KernelClock clock = new KernelClock();

    private static FlowKey key(int i) throws Exception {
        return new FlowKey(InetAddress.getByName("10.77.0.1"), InetAddress.getByName("10.77.0." + (2 + i % 3)),
                1024 + i, 10000, 17, FlowKey.ETH_P_IP, 2, Direction.INGRESS);
    }

    private static byte[] stats(long packets) {
        return ByteBuffer.allocate(FlowStatsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0, packets).putLong(8, packets * 46).putLong(16, 5_000_000_000L).putLong(24, 6_000_000_000L)
                .putInt(32, 0).array();
    }

    /** Chunks of the given sizes holding entries 0, 1, 2 ... in order. */
    private static List<MapEntries> chunks(int... sizes) throws Exception {
        List<MapEntries> out = new ArrayList<>();
        int next = 0;
        for (int n : sizes) {
            ByteBuffer k = ByteBuffer.allocate(n * FlowKeyCodec.SIZE);
            ByteBuffer v = ByteBuffer.allocate(n * FlowStatsCodec.SIZE);
            for (int i = 0; i < n; i++, next++) {
                k.put(FlowKeyCodec.encode(key(next)));
                v.put(stats(next + 1));
            }
            out.add(new MapEntries(n, FlowKeyCodec.SIZE, FlowStatsCodec.SIZE, k.array(), v.array(), true));
        }
        return out;
    }

    private UniFlow expected(int i) throws Exception {
        return new UniFlow(key(i), FlowStatsCodec.decode(stats(i + 1), clock));
    }

    @Test
    void entriesAcrossChunksOfUnequalSizeDecodeInOrderAndOutOfOrder() throws Exception {
        TcFlowMonitor.ScanEntries scan = new TcFlowMonitor.ScanEntries(chunks(3, 1, 5, 256), clock);
        assertEquals(265, scan.size());
        for (int i = 0; i < scan.size(); i++) {
            assertEquals(expected(i), scan.get(i));
        }
        for (int i : new int[] {264, 0, 3, 2, 4, 8, 9, 100, 1, 263}) {
            assertEquals(expected(i), scan.get(i), "entry " + i);
        }
        FlowCounters c = scan.get(7).counters();
        assertEquals(8, c.packets());
        assertThrows(IndexOutOfBoundsException.class, () -> scan.get(265));
        assertThrows(IndexOutOfBoundsException.class, () -> scan.get(-1));
    }

    @Test
    void anEmptyMapIsAnEmptyScan() {
        TcFlowMonitor.ScanEntries scan = new TcFlowMonitor.ScanEntries(List.of(), clock);
        assertEquals(0, scan.size());
        assertThrows(IndexOutOfBoundsException.class, () -> scan.get(0));
    }
}
