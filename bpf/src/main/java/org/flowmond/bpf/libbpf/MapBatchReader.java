package org.flowmond.bpf.libbpf;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads a whole map in chunks: {@code bpf_map_lookup_batch} (one syscall per chunk of entries,
 * kernel ≥ 5.6 for hash and array maps) and, where the kernel or map type lacks it, the classic
 * get_next_key + lookup loop (two syscalls per entry). Each chunk goes to a consumer, so a large
 * map is never held twice in memory. An empty hash map is found out with one get_next_key and
 * nothing allocated: that is the whole cost of an idle daemon's scan.
 */
final class MapBatchReader {
    static final int CHUNK = 256;

    private MapBatchReader() {
    }

    /**
     * Feeds every entry, chunk by chunk, to {@code sink}; returns whether the batch syscall was used
     * (for an empty hash map, whether it would have been asked: nothing is read either way).
     */
    static boolean forEachChunk(BpfMap map, boolean oneByOne, Consumer<MapEntries> sink) {
        if (emptyHash(map)) {
            return !oneByOne;
        }
        if (!oneByOne && batched(map, false, sink)) {
            return true;
        }
        oneByOne(map, sink);
        return false;
    }

    static MapEntries readAll(BpfMap map, boolean oneByOne) {
        Accumulator acc = new Accumulator(map.keySize(), map.valueBufferSize());
        boolean batched = forEachChunk(map, oneByOne, chunk -> acc.append(chunk.keys(), chunk.values(), chunk.count()));
        return acc.result(batched);
    }

    /**
     * Removes every entry, handing each chunk to {@code sink} as it was when removed: one
     * {@code bpf_map_lookup_and_delete_batch} per chunk, each entry copied and deleted under its
     * bucket's lock. False, with nothing removed, when the kernel has no batch for this map
     * (before 5.6, or a map type without it); true for an empty hash map (nothing to remove).
     */
    static boolean removeEachChunk(BpfMap map, Consumer<MapEntries> sink) {
        return emptyHash(map) || batched(map, true, sink);
    }

    /**
     * Whether {@code map} is a hash map with no entry now: one {@code bpf_map_get_next_key} from no
     * key, which the kernel answers with a lock-free walk of the buckets, instead of the batch
     * read's buffers and calls. Arrays always hold every index: never empty. An entry added just
     * after this check is read by the next scan, as one added behind a batch read's position is.
     */
    private static boolean emptyHash(BpfMap map) {
        int type = map.type();
        boolean hash = type == BpfMapType.HASH || type == BpfMapType.PERCPU_HASH || type == BpfMapType.LRU_HASH
                || type == BpfMapType.LRU_PERCPU_HASH;
        return hash && !map.nextKey(null, new byte[map.keySize()]);
    }

    /**
     * False (nothing fed) when the kernel has no batch lookup (or lookup-and-delete, {@code deleting})
     * for this map (EINVAL on old kernels, ENOTSUPP per type).
     */
    private static boolean batched(BpfMap map, boolean deleting, Consumer<MapEntries> sink) {
        ChunkBuffers buffers = map.takeChunkBuffers();
        try {
            return batched(map, deleting, buffers, sink);
        } finally {
            map.returnChunkBuffers(buffers);
        }
    }

    private static boolean batched(BpfMap map, boolean deleting, ChunkBuffers b, Consumer<MapEntries> sink) {
        int fd = map.fd();
        boolean first = true;
        while (true) {
            b.count.putInt(0, b.chunk);
            int rc = deleting
                    ? Native.LIBBPF.bpf_map_lookup_and_delete_batch(fd, first ? null : b.in, b.out, b.keys, b.values, b.count, b.opts)
                    : Native.LIBBPF.bpf_map_lookup_batch(fd, first ? null : b.in, b.out, b.keys, b.values, b.count, b.opts);
            int n = b.count.getInt(0);
            if (rc < 0 && rc != -Errno.ENOENT) {
                if (rc == -Errno.ENOSPC && n == 0) {
                    // One hash bucket holds more entries than a chunk: retry the same batch with room for it.
                    b.grow();
                    continue;
                }
                if (first && (rc == -Errno.EINVAL || rc == -Errno.ENOTSUPP || rc == -Errno.EOPNOTSUPP)) {
                    return false;
                }
                Checked.rc(rc, deleting ? "bpf_map_lookup_and_delete_batch" : "bpf_map_lookup_batch", map.name());
            }
            if (n > 0) {
                sink.accept(new MapEntries(n, map.keySize(), map.valueBufferSize(), b.keyBuffer, b.valueBuffer, true)); // a view: valid until accept returns
            }
            if (rc == -Errno.ENOENT) {
                return true;
            }
            b.advance();
            first = false;
        }
    }

    private static void oneByOne(BpfMap map, Consumer<MapEntries> sink) {
        int limit = map.maxEntries();
        int ks = map.keySize();
        int vs = map.valueBufferSize();
        Accumulator acc = new Accumulator(ks, vs);
        byte[] key = null;
        byte[] next = new byte[ks];
        byte[] value = new byte[vs];
        int seen = 0;
        // The limit stops a map that changes under us from restarting the walk forever.
        while (seen < limit && map.nextKey(key, next)) {
            seen++;
            if (map.lookup(next, value)) { // absent: deleted between the two calls
                acc.append(ByteBuffer.wrap(next), ByteBuffer.wrap(value), 1);
                if (acc.count == CHUNK) {
                    sink.accept(acc.result(false));
                    acc = new Accumulator(ks, vs);
                }
            }
            key = next.clone();
        }
        if (acc.count > 0) {
            sink.accept(acc.result(false));
        }
    }

    /** Growing flat key and value arrays. */
    private static final class Accumulator {
        final int ks;
        final int vs;
        byte[] keys = new byte[0];
        byte[] values = new byte[0];
        int count;

        Accumulator(int ks, int vs) {
            this.ks = ks;
            this.vs = vs;
        }

        void append(ByteBuffer k, ByteBuffer v, int n) {
            int need = count + n;
            if (need * ks > keys.length || need * vs > values.length) {
                int cap = Math.max(need, count * 2);
                keys = Arrays.copyOf(keys, cap * ks);
                values = Arrays.copyOf(values, cap * vs);
            }
            k.get(0, keys, count * ks, n * ks);
            v.get(0, values, count * vs, n * vs);
            count = need;
        }

        MapEntries result(boolean batched) {
            return new MapEntries(count, ks, vs, Arrays.copyOf(keys, count * ks), Arrays.copyOf(values, count * vs),
                    batched);
        }
    }
}
