package org.flowmond.bpf.syscall;

import java.time.Duration;
import java.util.Objects;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.owner.SocketOwnership;

/**
 * How {@link SyscallProbes} are opened.
 *
 * @param variant         which kernel hooks; {@link HookVariant#AUTO} tries fentry, kprobe, socket, raw tracepoint, tracepoint
 * @param filter          in-kernel pid/port filters
 * @param ringBufferBytes size of the event ring buffer: a power of two, a multiple of the page size
 * @param pollInterval    how often the reader drains the ring when nothing woke it (the kernel
 *                        wakes it early only when a quarter of the ring is full)
 * @param ownership       the socket owners the {@link HookVariant#SOCKET} variant reads (its maps are
 *                        shared); null: that variant is unavailable (AUTO skips it)
 * @param quietPollInterval how long the reader waits, once reads have found nothing for a while,
 *                        unless woken: 1 s by default; a caller that calls
 *                        {@link SyscallProbes#wakeReaderIfPending()} regularly can make it long
 */
public record SyscallProbeOptions(HookVariant variant, SyscallFilter filter, int ringBufferBytes, Duration pollInterval,
                                  SocketOwnership ownership, Duration quietPollInterval) {
    public static final int DEFAULT_RING_BYTES = 1 << 20;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_QUIET_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final int PAGE = 4096;

    public SyscallProbeOptions {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(quietPollInterval, "quietPollInterval");
        if (ringBufferBytes < PAGE || Integer.bitCount(ringBufferBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two >= " + PAGE + ", got " + ringBufferBytes);
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
        }
        if (quietPollInterval.compareTo(pollInterval) < 0 || quietPollInterval.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("quiet poll interval must be at least the poll interval, got "
                    + quietPollInterval);
        }
    }

    /** Options without socket ownership (no SOCKET variant). */
    public SyscallProbeOptions(HookVariant variant, SyscallFilter filter, int ringBufferBytes, Duration pollInterval) {
        this(variant, filter, ringBufferBytes, pollInterval, null, max(pollInterval, DEFAULT_QUIET_POLL_INTERVAL));
    }

    /** These options with {@code ownership} for the SOCKET variant. */
    public SyscallProbeOptions withOwnership(SocketOwnership ownership) {
        return new SyscallProbeOptions(variant, filter, ringBufferBytes, pollInterval, ownership, quietPollInterval);
    }

    /** These options with another quiet poll interval (at least the poll interval). */
    public SyscallProbeOptions withQuietPollInterval(Duration interval) {
        return new SyscallProbeOptions(variant, filter, ringBufferBytes, pollInterval, ownership, interval);
    }

    /** {@code variant} and {@code filter} with the default ring size (1 MiB) and poll interval (100 ms). */
    public static SyscallProbeOptions of(HookVariant variant, SyscallFilter filter) {
        return new SyscallProbeOptions(variant, filter, DEFAULT_RING_BYTES, DEFAULT_POLL_INTERVAL);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The ring fill level, in bytes, at which the kernel wakes the reader before its timer. */
    int wakeupBytes() {
        return ringBufferBytes / 4;
    }
}
