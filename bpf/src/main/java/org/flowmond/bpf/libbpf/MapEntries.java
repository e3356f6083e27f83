package org.flowmond.bpf.libbpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A map's entries in two flat little-endian buffers: entry {@code i} has its key at
 * {@code i × keySize} of {@code keys} and its value at {@code i × valueSize} of {@code values}
 * ({@code valueSize} is the map's value buffer size, all CPUs for a per-CPU map). Read them with
 * absolute gets. {@code batched} says which read path produced them.
 *
 * <p>A chunk handed to a consumer while a map is read ({@link BpfMap#forEachChunk},
 * {@link BpfMap#removeEachChunk}) is a view of the read's own native buffers, which the next chunk
 * overwrites: it is valid until the consumer returns (copy what must outlive it, e.g. with
 * {@link #key} and {@link #value}). So a scan of a full map copies each entry once, from the kernel,
 * instead of once more into arrays made per chunk.
 */
public record MapEntries(int count, int keySize, int valueSize, ByteBuffer keys, ByteBuffer values, boolean batched) {

    /** Entries held in arrays of their own. */
    public MapEntries(int count, int keySize, int valueSize, byte[] keys, byte[] values, boolean batched) {
        this(count, keySize, valueSize, ByteBuffer.wrap(keys).order(ByteOrder.LITTLE_ENDIAN),
                ByteBuffer.wrap(values).order(ByteOrder.LITTLE_ENDIAN), batched);
    }

    /** A copy of key {@code i}. */
    public byte[] key(int i) {
        byte[] key = new byte[keySize];
        keys.get(i * keySize, key);
        return key;
    }

    /** A copy of value {@code i}. */
    public byte[] value(int i) {
        byte[] value = new byte[valueSize];
        values.get(i * valueSize, value);
        return value;
    }
}
