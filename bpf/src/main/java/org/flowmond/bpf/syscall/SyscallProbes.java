package org.flowmond.bpf.syscall;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.libbpf.BpfMap;
import org.flowmond.bpf.libbpf.BpfObject;

/**
 * The connect/accept probes: which process opened each TCP connection. Lifecycle:
 * {@link #open} (load and attach; the kernel starts filling the ring at once) →
 * {@link #scanExisting()} (connections from before; scanning after attaching leaves no gap, at
 * worst a connection is seen both ways) → {@link #start} (a thread delivers events) →
 * {@link #stats()} any time → {@link #close()} (detaches everything).
 */
public final class SyscallProbes implements AutoCloseable {
    private final SyscallProbeOptions options;
    private final KernelClock clock;
    private final HookVariant variant;
    private final BpfObject object;
    private volatile RingReader reader;

    private SyscallProbes(SyscallProbeOptions options, KernelClock clock, VariantAttacher.Attached attached) {
        this.options = options;
        this.clock = clock;
        this.variant = attached.variant();
        this.object = attached.object();
    }

    /**
     * Loads and attaches the probes (AUTO: the cheapest variant that works, logged).
     *
     * @throws org.flowmond.bpf.libbpf.LibBpfException a forced variant cannot load or attach here
     * @throws IllegalStateException                     AUTO found no variant that works
     */
    public static SyscallProbes open(SyscallProbeOptions options, KernelClock clock) {
        Objects.requireNonNull(clock, "clock");
        return new SyscallProbes(options, clock, VariantAttacher.attach(options));
    }

    /** The variant attached: never AUTO. */
    public HookVariant variantInUse() {
        return variant;
    }

    /** Starts the reader thread, which hands each event to {@code consumer} (on that thread, in ring order). */
    public void start(Consumer<SocketEvent> consumer) {
        start(consumer, () -> { });
    }

    /**
     * As {@link #start(Consumer)}, and runs {@code endOfRead} on the reader thread after each read
     * of the ring (every poll, whether it found events or not), so a consumer can hand events on in
     * batches and still pass on the last of a burst at once.
     */
    public synchronized void start(Consumer<SocketEvent> consumer, Runnable endOfRead) {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(endOfRead, "endOfRead");
        if (reader != null) {
            throw new IllegalStateException("syscall probes already started");
        }
        reader = new RingReader(object.map(ProbeObjects.EVENTS_MAP), clock, consumer, endOfRead, options.pollInterval(),
                options.quietPollInterval());
        reader.start();
    }

    /** Blocks until every event the kernel produced before this call has reached the consumer (the reader is woken at once). */
    public void drain() throws InterruptedException {
        RingReader r = reader;
        if (r == null) {
            throw new IllegalStateException("syscall probes not started");
        }
        r.drain();
    }

    /**
     * Wakes the event reader if the ring holds events it has not taken (read from the ring's mapped
     * positions: no system call when it is empty); returns whether it did. For a thread that wakes
     * regularly anyway, so the reader can wait with a long {@link SyscallProbeOptions#quietPollInterval()}.
     * Callable from any thread; false before {@link #start} and after {@link #close}.
     */
    public boolean wakeReaderIfPending() {
        RingReader r = reader;
        return r != null && r.wakeIfPending();
    }

    /** The TCP connections that exist now, kind EXISTING, with the same filters as the live events. */
    public List<SocketEvent> scanExisting() {
        return ExistingConnections.scan(options.filter(), clock);
    }

    /** Kernel counters (summed over CPUs) and the reader's own; callable from any thread, the consumer's too. */
    public SyscallProbeStats stats() {
        RingReader r = reader;
        BpfMap counters = object.map(ProbeObjects.COUNTERS_MAP);
        return new SyscallProbeStats(
                counters.sumPerCpuU64(SockCounter.RINGBUF_FULL.index),
                counters.sumPerCpuU64(SockCounter.STASH_FULL.index),
                counters.sumPerCpuU64(SockCounter.FILTERED.index),
                r == null ? 0 : r.delivered(),
                r == null ? 0 : r.undecodable(),
                r == null ? 0 : r.consumerFailures(),
                counters.sumPerCpuU64(SockCounter.NO_OWNER.index),
                object.recursionMisses());
    }

    /** Stops the reader (waiting for its current poll) and detaches and unloads every program; not from the consumer. */
    @Override
    public synchronized void close() {
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            object.close();
        }
    }

    /** {@code enum flowmon_sock_counter} in flowmon.h. */
    private enum SockCounter {
        RINGBUF_FULL(0),
        STASH_FULL(1),
        FILTERED(2),
        NO_OWNER(3);

        final int index;

        SockCounter(int index) {
            this.index = index;
        }
    }
}
