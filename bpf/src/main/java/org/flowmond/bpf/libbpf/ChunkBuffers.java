package org.flowmond.bpf.libbpf;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The native memory one batch read of a map works in: room for a chunk of keys and values (which
 * the consumer reads as {@link MapEntries} views), the two batch tokens, the count and the options.
 * A map keeps one between its reads ({@link BpfMap#takeChunkBuffers}), so a scan a second of a
 * full table, or of one that holds a few flows, allocates nothing and leaves no direct buffer for
 * the JVM's cleaner to free.
 */
final class ChunkBuffers {
    private final int keySize;
    private final int valueSize;
    int chunk;
    ByteBuffer keyBuffer;
    ByteBuffer valueBuffer;
    Pointer keys;
    Pointer values;
    /** The batch token is a u32 bucket for hash maps and a key for arrays: room for either. */
    final Pointer in;
    final Pointer out;
    final Pointer count;
    final MapBatchOpts opts = new MapBatchOpts(Native.RUNTIME);
    private final byte[] token;

    ChunkBuffers(int chunk, int keySize, int valueSize) {
        this.keySize = keySize;
        this.valueSize = valueSize;
        allocate(chunk);
        this.token = new byte[Math.max(keySize, 8)];
        this.in = Memory.allocateDirect(Native.RUNTIME, token.length);
        this.out = Memory.allocateDirect(Native.RUNTIME, token.length);
        this.count = Memory.allocateDirect(Native.RUNTIME, 4);
    }

    /** Room for twice as many entries: one hash bucket held more than a chunk (the kernel's ENOSPC). */
    void grow() {
        allocate(chunk * 2);
    }

    private void allocate(int entries) {
        chunk = entries;
        keyBuffer = nativeBuffer(entries * keySize);
        valueBuffer = nativeBuffer(entries * valueSize);
        keys = pointerTo(keyBuffer);
        values = pointerTo(valueBuffer);
    }

    /** The token the last call returned becomes the next call's starting point. */
    void advance() {
        out.get(0, token, 0, token.length);
        in.put(0, token, 0, token.length);
    }

    private static ByteBuffer nativeBuffer(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A pointer to {@code buffer}'s memory for the syscall; the buffer owns the memory and stays reachable with this object. */
    private static Pointer pointerTo(ByteBuffer buffer) {
        return Pointer.wrap(Native.RUNTIME, MemoryIO.getInstance().getDirectBufferAddress(buffer), buffer.capacity());
    }
}
