package org.flowmond.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import jnr.ffi.LibraryLoader;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free pages back to the kernel (glibc's {@code malloc_trim}) when the
 * process's anonymous memory has grown by {@link #GROWTH_BYTES} since the last trim, at most once
 * in {@link #MIN_SPACING_NANOS}.
 *
 * <p>Why: the JIT's compilations at start-up take ~35 MB of malloc'd arenas at their peak and the
 * JVM frees them within seconds, but glibc keeps the freed chunks that lie below live ones. Without
 * a trim, 13-34 MB of them stayed resident for an idle daemon's life, more or less by the layout of
 * each run (bench/RESULTS.md, "Idle RSS under 100 MB"). The JVM's own periodic trimmer
 * ({@code -XX:TrimNativeHeapInterval}) does the same, but its thread wakes 13-20 times a minute;
 * this is called from the main loop, which wakes anyway for the statistics. A trim costs 0.3-2 ms
 * when there is little to free, so it is done only when the memory grew; reading /proc/self/status
 * costs microseconds. The spacing bounds what a busy daemon pays with a short {@code stats.interval}
 * (bench/scale.sh has 1 s): a trim also drops free pages glibc was keeping for the flow thread's
 * next large buffers, which must then be faulted in again. Where malloc_trim is missing (not
 * glibc) it is never tried again.
 */
final class NativeHeap {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Growth of anonymous resident memory since the last trim that makes the next one worth it. */
    static final long GROWTH_BYTES = 4L << 20;
    /** Shortest time from one trim to the next. */
    static final long MIN_SPACING_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** The C call, in an interface of its own so that a test can count calls. */
    interface Trimmer {
        /** malloc_trim(0). */
        void trim();
    }

    /** Tier 1: glibc's malloc_trim(3). */
    public interface MallocLibC {
        // C: int malloc_trim(size_t pad);
        int malloc_trim(@size_t long pad);
    }

    private final LongSupplier anonymousBytes;
    private final LongSupplier nanoTime;
    private final Trimmer trimmer;
    /** Anonymous resident bytes right after the last trim; 0 before the first. */
    private long afterLastTrim;
    private long lastTrimNanos;
    private boolean trimmed;
    private boolean unavailable;

    NativeHeap(LongSupplier anonymousBytes, LongSupplier nanoTime, Trimmer trimmer) {
        this.anonymousBytes = anonymousBytes;
        this.nanoTime = nanoTime;
        this.trimmer = trimmer;
    }

    /** This process's heap: RssAnon of /proc/self/status, glibc's malloc_trim loaded at the first trim. */
    static NativeHeap ofThisProcess() {
        return new NativeHeap(NativeHeap::anonymousResidentBytes, System::nanoTime, () -> Glibc.C.malloc_trim(0));
    }

    /**
     * Trims if the anonymous memory grew by {@link #GROWTH_BYTES} since the last trim and that was
     * {@link #MIN_SPACING_NANOS} ago; returns whether it trimmed.
     */
    boolean trimIfGrown() {
        long now = nanoTime.getAsLong();
        if (unavailable || trimmed && now - lastTrimNanos < MIN_SPACING_NANOS) {
            return false;
        }
        long before = anonymousBytes.getAsLong();
        if (before < 0 || before - afterLastTrim < GROWTH_BYTES) {
            return false;
        }
        try {
            trimmer.trim();
        } catch (LinkageError e) { // no malloc_trim in this libc
            unavailable = true;
            LOG.info("the C heap is not trimmed: {}", e.toString());
            return false;
        }
        long after = anonymousBytes.getAsLong();
        afterLastTrim = after < 0 ? before : after;
        lastTrimNanos = now;
        trimmed = true;
        LOG.debug("C heap trimmed: anonymous resident memory {} -> {} KiB", before >> 10, afterLastTrim >> 10);
        return true;
    }

    /** RssAnon of /proc/self/status (resident anonymous memory) in bytes; -1 if unreadable. */
    static long anonymousResidentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("RssAnon:")) {
                    return Long.parseLong(line.substring("RssAnon:".length()).replace("kB", "").trim()) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no reading: no trim
        }
        return -1;
    }

    private static final class Glibc {
        static final MallocLibC C = LibraryLoader.create(MallocLibC.class).failImmediately().load("c");
    }
}
