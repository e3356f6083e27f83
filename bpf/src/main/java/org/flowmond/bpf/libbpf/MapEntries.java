package org.flowmond.bpf.libbpf;

import java.util.Arrays;

/**
 * A snapshot of a map's entries in two flat arrays: entry {@code i} has its key at
 * {@code i × keySize} and its value at {@code i × valueSize} ({@code valueSize} is the map's
 * value buffer size, all CPUs for a per-CPU map). {@code batched} says which read path produced it.
 */
public record MapEntries(int count, int keySize, int valueSize, byte[] keys, byte[] values, boolean batched) {

    public byte[] key(int i) {
        return Arrays.copyOfRange(keys, i * keySize, (i + 1) * keySize);
    }

    public byte[] value(int i) {
        return Arrays.copyOfRange(values, i * valueSize, (i + 1) * valueSize);
    }
}
