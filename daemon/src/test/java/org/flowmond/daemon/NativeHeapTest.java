package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** When the C heap is trimmed, and that a trim of this JVM's real C heap gives freed chunks back. */
@UnitTest
class NativeHeapTest {
    private static final long MB = 1L << 20;

    private final AtomicLong anonymous = new AtomicLong();
    private final AtomicInteger trims = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();

    /** Each reading a minute after the previous one: the spacing never holds a trim back here. */
    private long advanceClock() {
        return clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
    }

    @Test
    void trimsAtTheFirstCallThenOnlyAfterGrowingByFourMegabytes() {
        NativeHeap heap = new NativeHeap(anonymous::get, this::advanceClock, () -> {
            trims.incrementAndGet();
            anonymous.addAndGet(-30 * MB);
        });
        anonymous.set(110 * MB);
        assertTrue(heap.trimIfGrown());
        assertEquals(80 * MB, anonymous.get());
        anonymous.set(84 * MB - 1);
        assertFalse(heap.trimIfGrown());
        anonymous.set(84 * MB);
        assertTrue(heap.trimIfGrown()); // from 84 to 54 MB: the next one at 58
        anonymous.set(58 * MB - 1);
        assertFalse(heap.trimIfGrown());
        assertEquals(2, trims.get());
    }

    @Test
    void aGrowthTheTrimCannotGiveBackMovesTheMark() {
        NativeHeap heap = new NativeHeap(anonymous::get, this::advanceClock, trims::incrementAndGet);
        anonymous.set(80 * MB);
        assertTrue(heap.trimIfGrown());
        anonymous.set(90 * MB); // e.g. the Java heap grew
        assertTrue(heap.trimIfGrown());
        assertFalse(heap.trimIfGrown());
        anonymous.set(94 * MB);
        assertTrue(heap.trimIfGrown());
        assertEquals(3, trims.get());
    }

    @Test
    void thirtySecondsAtLeastFromOneTrimToTheNext() {
        NativeHeap heap = new NativeHeap(anonymous::get, clock::get, trims::incrementAndGet);
        anonymous.set(80 * MB);
        assertTrue(heap.trimIfGrown());
        anonymous.set(200 * MB);
        clock.set(TimeUnit.SECONDS.toNanos(30) - 1);
        assertFalse(heap.trimIfGrown());
        clock.set(TimeUnit.SECONDS.toNanos(30));
        assertTrue(heap.trimIfGrown());
        assertEquals(2, trims.get());
    }

    @Test
    void noMallocTrimInThisLibcMeansNoFurtherTry() {
        NativeHeap heap = new NativeHeap(anonymous::get, this::advanceClock, () -> {
            trims.incrementAndGet();
            throw new UnsatisfiedLinkError("malloc_trim");
        });
        anonymous.set(100 * MB);
        assertFalse(heap.trimIfGrown());
        anonymous.set(200 * MB);
        assertFalse(heap.trimIfGrown());
        assertEquals(1, trims.get());
    }

    @Test
    void anUnreadableSizeMeansNoTrim() {
        NativeHeap heap = new NativeHeap(() -> -1, this::advanceClock, trims::incrementAndGet);
        assertFalse(heap.trimIfGrown());
        assertEquals(0, trims.get());
    }

    /** The C call behind a test's chunks. */
    public interface Malloc {
        Pointer malloc(@size_t long size);

        void free(Pointer p);
    }

    /**
     * 64 MB in 32 KiB chunks, each followed by a small chunk that stays allocated (so the freed
     * ones cannot merge into the arena's top, which glibc gives back by itself), written and
     * freed: glibc keeps them resident until the trim.
     */
    @Test
    void aTrimOfThisProcessGivesBackChunksFreedBelowLiveOnes() {
        Malloc c = LibraryLoader.create(Malloc.class).failImmediately().load("c");
        List<Pointer> freed = new ArrayList<>();
        List<Pointer> kept = new ArrayList<>();
        for (int i = 0; i < 2048; i++) {
            Pointer chunk = c.malloc(32 * 1024);
            chunk.setMemory(0, 32 * 1024, (byte) 1);
            freed.add(chunk);
            kept.add(c.malloc(64));
        }
        freed.forEach(c::free);
        NativeHeap heap = NativeHeap.ofThisProcess();
        long before = NativeHeap.anonymousResidentBytes();
        try {
            assertTrue(heap.trimIfGrown());
            long after = NativeHeap.anonymousResidentBytes();
            assertTrue(before - after >= 32 * MB,
                    "anonymous resident memory " + before / MB + " -> " + after / MB + " MB");
        } finally {
            kept.forEach(c::free);
        }
    }
}
