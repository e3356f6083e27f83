package org.flowmond.bpf.libbpf;

import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads a whole map: {@code bpf_map_lookup_batch} (one syscall per chunk of entries, kernel ≥ 5.6
 * for hash and array maps) and, where the kernel or map type lacks it, the classic
 * get_next_key + lookup loop (two syscalls per entry).
 */
final class MapBatchReader {
    private static final int FIRST_CHUNK = 256;

    private MapBatchReader() {
    }

    static MapEntries readAll(BpfMap map, boolean oneByOne) {
        if (!oneByOne) {
            MapEntries batched = batched(map);
            if (batched != null) {
                return batched;
            }
        }
        return oneByOne(map);
    }

    /** Null when the kernel has no batch lookup for this map (EINVAL on old kernels, ENOTSUPP per type). */
    private static MapEntries batched(BpfMap map) {
        int fd = map.fd();
        int ks = map.keySize();
        int vs = map.valueBufferSize();
        int chunk = FIRST_CHUNK;
        // The batch token is a u32 bucket for hash maps and a key for arrays: room for either.
        Pointer in = Memory.allocateDirect(Native.RUNTIME, Math.max(ks, 8));
        Pointer out = Memory.allocateDirect(Native.RUNTIME, Math.max(ks, 8));
        Pointer count = Memory.allocateDirect(Native.RUNTIME, 4);
        Pointer keys = Memory.allocateDirect(Native.RUNTIME, (long) chunk * ks);
        Pointer values = Memory.allocateDirect(Native.RUNTIME, (long) chunk * vs);
        MapBatchOpts opts = new MapBatchOpts(Native.RUNTIME);
        Accumulator acc = new Accumulator(ks, vs);
        boolean first = true;
        while (true) {
            count.putInt(0, chunk);
            int rc = Native.LIBBPF.bpf_map_lookup_batch(fd, first ? null : in, out, keys, values, count, opts);
            int n = count.getInt(0);
            if (rc < 0 && rc != -Errno.ENOENT) {
                if (rc == -Errno.ENOSPC && n == 0) {
                    // One hash bucket holds more entries than a chunk: retry the same batch with room for it.
                    chunk *= 2;
                    keys = Memory.allocateDirect(Native.RUNTIME, (long) chunk * ks);
                    values = Memory.allocateDirect(Native.RUNTIME, (long) chunk * vs);
                    continue;
                }
                if (first && (rc == -Errno.EINVAL || rc == -Errno.ENOTSUPP || rc == -Errno.EOPNOTSUPP)) {
                    return null;
                }
                Checked.rc(rc, "bpf_map_lookup_batch", map.name());
            }
            acc.append(keys, values, n);
            if (rc == -Errno.ENOENT) {
                return acc.result(true);
            }
            byte[] token = new byte[Math.max(ks, 8)];
            out.get(0, token, 0, token.length);
            in.put(0, token, 0, token.length);
            first = false;
        }
    }

    private static MapEntries oneByOne(BpfMap map) {
        int limit = map.maxEntries();
        Accumulator acc = new Accumulator(map.keySize(), map.valueBufferSize());
        byte[] key = null;
        byte[] next = new byte[map.keySize()];
        byte[] value = new byte[map.valueBufferSize()];
        while (acc.count < limit && map.nextKey(key, next)) {
            if (map.lookup(next, value)) { // absent: deleted between the two calls
                acc.append(next, value);
            }
            key = next.clone();
        }
        return acc.result(false);
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

        void ensure(int more) {
            int need = count + more;
            if (need * ks > keys.length || need * vs > values.length) {
                int cap = Math.max(need, count * 2);
                keys = Arrays.copyOf(keys, cap * ks);
                values = Arrays.copyOf(values, cap * vs);
            }
        }

        void append(Pointer k, Pointer v, int n) {
            ensure(n);
            k.get(0, keys, count * ks, n * ks);
            v.get(0, values, count * vs, n * vs);
            count += n;
        }

        void append(byte[] k, byte[] v) {
            ensure(1);
            System.arraycopy(k, 0, keys, count * ks, ks);
            System.arraycopy(v, 0, values, count * vs, vs);
            count++;
        }

        MapEntries result(boolean batched) {
            return new MapEntries(count, ks, vs, Arrays.copyOf(keys, count * ks), Arrays.copyOf(values, count * vs),
                    batched);
        }
    }
}
