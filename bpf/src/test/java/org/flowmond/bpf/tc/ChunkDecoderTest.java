package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A scan decoded chunk by chunk as the map read returns the chunks, nothing kept but the entry handed over. */
@UnitTest
class ChunkDecoderTest {
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

    /** What one scan hands over, fed the chunks the way the map read feeds them; counted[0] = the decoder's count. */
    private List<UniFlow> decode(List<MapEntries> chunks, int[] counted) {
        List<UniFlow> out = new ArrayList<>();
        TcFlowMonitor.ChunkDecoder decoder = new TcFlowMonitor.ChunkDecoder(clock, out::add);
        for (MapEntries c : chunks) {
            decoder.accept(c);
            assertEquals(out.size(), decoder.entries(), "every entry of a chunk handed over before the next chunk");
        }
        counted[0] = decoder.entries();
        return out;
    }

    @Test
    void entriesAcrossChunksOfUnequalSizeArriveInOrderAsEachChunkIsFed() throws Exception {
        int[] counted = new int[1];
        List<UniFlow> scan = decode(chunks(3, 1, 5, 256), counted);
        assertEquals(265, scan.size());
        assertEquals(265, counted[0]);
        for (int i = 0; i < scan.size(); i++) {
            assertEquals(expected(i), scan.get(i), "entry " + i);
        }
        FlowCounters c = scan.get(7).counters();
        assertEquals(8, c.packets());
        assertEquals(8 * 46, c.bytes());
    }

    /** The keys hold the kernel's 16 address bytes as numbers (IPv4-mapped), not address objects. */
    @Test
    void keysHoldTheKernelsAddressNumbers() throws Exception {
        List<UniFlow> scan = decode(chunks(2, 4), new int[1]);
        FlowKey k = scan.get(4).key(); // 10.77.0.1 -> 10.77.0.3
        assertEquals(0, k.srcHigh());
        assertEquals(0x0000_FFFF_0A4D_0001L, k.srcLow());
        assertEquals(0, k.dstHigh());
        assertEquals(0x0000_FFFF_0A4D_0003L, k.dstLow());
        assertEquals(InetAddress.getByName("10.77.0.3"), k.dstAddress());
    }

    @Test
    void anEmptyMapIsAnEmptyScan() {
        int[] counted = new int[1];
        assertEquals(List.of(), decode(List.of(), counted));
        assertEquals(0, counted[0]);
    }
}
