package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Element operations, sizing before load, and whole-map reads (batched and one by one) on real kernel maps. */
@RootTest
class BpfMapTest {
    private static final int SIZED = 2048;
    private BpfObject obj;

    @BeforeEach
    void loadTestObject() {
        Privileges.requireRoot();
        obj = BpfObject.openResource(TestObjects.BINDING_TEST);
        obj.program("iter_tasks").setAutoload(false);
        obj.map("kv").setMaxEntries(SIZED);
        obj.load();
    }

    @AfterEach
    void close() {
        if (obj != null) {
            obj.close();
        }
    }

    @Test
    void describesItself() {
        BpfMap kv = obj.map("kv");
        assertEquals("kv", kv.name());
        assertEquals(4, kv.keySize());
        assertEquals(8, kv.valueSize());
        assertEquals(SIZED, kv.maxEntries(), "set before load");
        assertFalse(kv.isPerCpu());
        assertTrue(obj.map("counters").isPerCpu());
        assertEquals(8 * BpfMap.possibleCpus(), obj.map("counters").valueBufferSize());
        assertTrue(kv.fd() > 0);
        assertThrows(IllegalStateException.class, () -> kv.setMaxEntries(1), "only before load");
    }

    @Test
    void elementOperationsFollowTheKernelsFlags() {
        BpfMap kv = obj.map("kv");
        byte[] key = LittleEndian.u32(7);
        byte[] value = new byte[8];
        assertFalse(kv.lookup(key, value));
        kv.update(key, LittleEndian.u64(70), BpfMap.BPF_NOEXIST);
        LibBpfException exists = assertThrows(LibBpfException.class,
                () -> kv.update(key, LittleEndian.u64(71), BpfMap.BPF_NOEXIST));
        assertEquals(Errno.EEXIST, exists.errno());
        assertEquals("bpf_map_update_elem(kv): EEXIST (File exists)", exists.getMessage());
        LibBpfException absent = assertThrows(LibBpfException.class,
                () -> kv.update(LittleEndian.u32(8), LittleEndian.u64(80), BpfMap.BPF_EXIST));
        assertEquals(Errno.ENOENT, absent.errno());

        assertTrue(kv.lookup(key, value));
        assertEquals(70, LittleEndian.getU64(value, 0));
        kv.update(key, LittleEndian.u64(72), BpfMap.BPF_EXIST);
        assertTrue(kv.lookupAndDelete(key, value));
        assertEquals(72, LittleEndian.getU64(value, 0));
        assertFalse(kv.lookupAndDelete(key, value));
        assertFalse(kv.delete(key));

        kv.update(LittleEndian.u32(1), LittleEndian.u64(10), BpfMap.BPF_ANY);
        byte[] next = new byte[4];
        assertTrue(kv.nextKey(null, next));
        assertEquals(1, LittleEndian.getU32(next, 0));
        assertFalse(kv.nextKey(next, new byte[4]), "one key only");
        assertTrue(kv.delete(LittleEndian.u32(1)));
    }

    @Test
    void wrongBufferSizesAreRejectedBeforeTheKernel() {
        BpfMap kv = obj.map("kv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kv.lookup(new byte[8], new byte[8]));
        assertEquals("map kv has 4-byte keys, not 8", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> obj.map("counters").lookup(new byte[4], new byte[8]));
        assertThrows(IllegalStateException.class, () -> kv.lookupPerCpuU64(0));
    }

    @Test
    void readAllIsBatchedAndAgreesWithTheOneByOneFallback() {
        BpfMap kv = obj.map("kv");
        Map<Integer, Long> expected = new HashMap<>();
        for (int i = 0; i < 1500; i++) { // more than one batch chunk, fewer than max_entries
            kv.update(LittleEndian.u32(i), LittleEndian.u64(i * 3L), BpfMap.BPF_NOEXIST);
            expected.put(i, i * 3L);
        }
        MapEntries batched = kv.readAll();
        MapEntries single = kv.readAllOneByOne();
        assertTrue(batched.batched(), "kernel 6.18 has batch lookup for hash maps");
        assertFalse(single.batched());
        assertEquals(expected, asMap(batched));
        assertEquals(expected, asMap(single));

        java.util.List<Integer> chunkSizes = new java.util.ArrayList<>();
        Map<Integer, Long> chunked = new HashMap<>();
        assertTrue(kv.forEachChunk(c -> { // a view of the read's buffers: read while the consumer runs
            chunkSizes.add(c.count());
            chunked.putAll(asMap(c));
        }));
        assertTrue(chunkSizes.size() >= 1500 / 256, "chunks of at most 256 (hash buckets may split them): " + chunkSizes.size());
        assertEquals(1500, chunkSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(chunkSizes.stream().allMatch(n -> n <= 256));
        assertEquals(expected, chunked);
    }

    @Test
    void removeEachChunkHandsOverEveryEntryOnceAndEmptiesTheMap() {
        BpfMap kv = obj.map("kv");
        Map<Integer, Long> expected = new HashMap<>();
        for (int i = 0; i < 1500; i++) { // more than one chunk of 256
            kv.update(LittleEndian.u32(i), LittleEndian.u64(i * 5L), BpfMap.BPF_NOEXIST);
            expected.put(i, i * 5L);
        }
        java.util.List<Integer> chunkSizes = new java.util.ArrayList<>();
        Map<Integer, Long> removed = new HashMap<>();
        // a chunk is a view of the read's buffers, valid while the consumer runs: read it there
        assertTrue(kv.removeEachChunk(c -> {
            chunkSizes.add(c.count());
            removed.putAll(asMap(c));
        }), "kernel 6.18 has batch lookup-and-delete for hash maps");
        chunkSizes.forEach(n -> assertTrue(n <= 256));
        assertEquals(1500, chunkSizes.stream().mapToInt(Integer::intValue).sum(), "each entry once");
        assertEquals(expected, removed);
        assertEquals(0, kv.readAll().count(), "nothing left");
        assertTrue(kv.removeEachChunk(c -> { throw new AssertionError("an empty map hands nothing over"); }));
    }

    @Test
    void readAllOfPerCpuMapsAndArraysHasEveryCpuAndIndex() {
        BpfMap pcpu = obj.map("pcpu_kv");
        int cpus = BpfMap.possibleCpus();
        byte[] value = new byte[pcpu.valueBufferSize()];
        for (int cpu = 0; cpu < cpus; cpu++) {
            System.arraycopy(LittleEndian.u64(100 + cpu), 0, value, cpu * 8, 8);
        }
        pcpu.update(LittleEndian.u32(5), value, BpfMap.BPF_ANY);
        MapEntries entries = pcpu.readAll();
        assertEquals(1, entries.count());
        assertArrayEquals(value, entries.value(0));
        assertEquals(cpus * (100L + 100 + cpus - 1) / 2, sumPerCpu(pcpu, 5));

        MapEntries counters = obj.map("counters").readAll(); // per-CPU array: all 4 indexes exist
        assertEquals(4, counters.count());
        assertEquals(counters.count(), obj.map("counters").readAllOneByOne().count());
    }

    /** A map keeps its batch buffers between reads; a read begun while another holds them gets its own. */
    @Test
    void aReadInsideAnotherAndReadsOneAfterTheOtherSeeEveryEntry() {
        BpfMap kv = obj.map("kv");
        Map<Integer, Long> expected = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            kv.update(LittleEndian.u32(i), LittleEndian.u64(i * 7L), BpfMap.BPF_NOEXIST);
            expected.put(i, i * 7L);
        }
        Map<Integer, Long> outer = new HashMap<>();
        java.util.List<Map<Integer, Long>> inner = new java.util.ArrayList<>();
        assertTrue(kv.forEachChunk(c -> {
            Map<Integer, Long> before = asMap(c);
            if (inner.isEmpty()) {
                Map<Integer, Long> nested = new HashMap<>();
                assertTrue(kv.forEachChunk(n -> nested.putAll(asMap(n))));
                inner.add(nested);
            }
            assertEquals(before, asMap(c), "the nested read wrote into buffers of its own");
            outer.putAll(before);
        }));
        assertEquals(expected, outer);
        assertEquals(expected, inner.get(0));
        for (int round = 0; round < 3; round++) {
            Map<Integer, Long> again = new HashMap<>();
            assertTrue(kv.forEachChunk(c -> again.putAll(asMap(c))));
            assertEquals(expected, again, "read " + round + " with the kept buffers");
        }
        for (int i = 0; i < 600; i++) {
            kv.delete(LittleEndian.u32(i));
        }
    }

    @Test
    void emptyMapsReadAsEmpty() {
        BpfMap kv = obj.map("kv");
        assertEquals(0, kv.readAll().count());
        assertEquals(0, kv.readAllOneByOne().count());
        assertTrue(kv.forEachChunk(c -> { throw new AssertionError("an empty map hands nothing over"); }));
        kv.update(LittleEndian.u32(7), LittleEndian.u64(70), BpfMap.BPF_NOEXIST); // no longer empty: read
        Map<Integer, Long> read = new HashMap<>();
        assertTrue(kv.forEachChunk(c -> read.putAll(asMap(c))));
        assertEquals(Map.of(7, 70L), read);
        kv.delete(LittleEndian.u32(7));
    }

    private static long sumPerCpu(BpfMap map, int key) {
        byte[] v = new byte[map.valueBufferSize()];
        assertTrue(map.lookup(LittleEndian.u32(key), v));
        long sum = 0;
        for (int cpu = 0; cpu < BpfMap.possibleCpus(); cpu++) {
            sum += LittleEndian.getU64(v, cpu * 8);
        }
        return sum;
    }

    private static Map<Integer, Long> asMap(MapEntries e) {
        Map<Integer, Long> m = new HashMap<>();
        for (int i = 0; i < e.count(); i++) {
            Long previous = m.put(LittleEndian.getU32(e.key(i), 0), LittleEndian.getU64(e.value(i), 0));
            assertEquals(null, previous, "no key twice");
        }
        return m;
    }
}
