package org.flowmond.bpf.syscall;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.libbpf.BpfMap;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.flowmond.bpf.libbpf.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads {@code sock_events}. The kernel submits with BPF_RB_NO_WAKEUP (a wake-up
 * per event would cost more than half the connection rate), so this thread drains the ring on a
 * timer: {@code poll} sleeps up to one interval, returning early only when the kernel forces a
 * wake-up because the ring is a quarter full (BPF_RB_FORCE_WAKEUP, {@code wakeup_flag()} in
 * sock_ring.bpf.h) or {@link #drain}/{@link #close} wake it ({@link RingBuffer#wakeUp()}), then
 * {@code consume} takes whatever is there (libbpf's poll alone would take nothing: it only reads
 * rings that signalled).
 *
 * <p>Quiet polling: after {@value #QUIET_AFTER_READS} reads in a row that found nothing, the timer
 * becomes the quiet poll interval (1 s by default) until a read finds events again, so an idle host
 * wakes this thread once a second instead of ten times. The price: the first event after a quiet
 * spell reaches the consumer up to that interval late. Nothing is lost for it: a burst still wakes
 * the reader when the ring is a quarter full. A thread that wakes anyway can shorten the wait with
 * {@link #wakeIfPending()}, which costs no system call when the ring is empty; the daemon's flow
 * thread does so once a scan, so its reader waits with a long quiet interval and an idle host does
 * not wake it at all.
 */
final class RingReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingReader.class);
    private static final long CLOCK_RESYNC_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Empty reads in a row after which the reader polls with the quiet poll interval. */
    static final int QUIET_AFTER_READS = 10;

    private final RingBuffer ring;
    private final SockEventCodec codec;
    private final KernelClock clock;
    private final Consumer<SocketEvent> consumer;
    /** Told after each read of the ring: the consumer may batch its hand-over until then. */
    private final Runnable endOfRead;
    private final int pollMillis;
    private final int quietPollMillis;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong consumerFailures = new AtomicLong();
    private final RateLimitedLogger problems = new RateLimitedLogger(LOG, 10, TimeUnit.SECONDS);
    private final Object drainLock = new Object();
    private long drainRequested;
    private long drainCompleted;
    private volatile boolean running = true;

    RingReader(BpfMap events, KernelClock clock, Consumer<SocketEvent> consumer, Runnable endOfRead,
               Duration pollInterval, Duration quietPollInterval) {
        this.codec = new SockEventCodec(clock);
        this.clock = clock;
        this.consumer = consumer;
        this.endOfRead = endOfRead;
        this.pollMillis = (int) pollInterval.toMillis();
        this.quietPollMillis = (int) quietPollInterval.toMillis(); // at least pollInterval (SyscallProbeOptions)
        this.ring = RingBuffer.open(events, this::onSample);
        this.thread = new Thread(this::run, "flowmond-syscall-events");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long nextResync = System.nanoTime() + CLOCK_RESYNC_NANOS;
        int emptyReads = 0;
        try {
            while (running) {
                int read = ring.poll(emptyReads >= QUIET_AFTER_READS ? quietPollMillis : pollMillis);
                long ticket;
                synchronized (drainLock) {
                    ticket = drainRequested;
                }
                read += ring.consume();
                emptyReads = read == 0 ? emptyReads + 1 : 0;
                endOfRead();
                synchronized (drainLock) {
                    drainCompleted = ticket;
                    drainLock.notifyAll();
                }
                if (System.nanoTime() - nextResync > 0) {
                    clock.resync();
                    nextResync = System.nanoTime() + CLOCK_RESYNC_NANOS;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("syscall event reader stopped: events are no longer read", e);
        } finally {
            synchronized (drainLock) {
                running = false;
                drainLock.notifyAll();
            }
        }
    }

    private void endOfRead() {
        try {
            endOfRead.run();
        } catch (RuntimeException e) {
            consumerFailures.incrementAndGet();
            problems.warn("syscall probes: event consumer failed at the end of a ring read", e);
        }
    }

    private void onSample(ByteBuffer sample) {
        SocketEvent event;
        try {
            event = codec.decode(sample);
        } catch (RuntimeException e) {
            undecodable.incrementAndGet();
            problems.warn("syscall probes: undecodable ring sample of " + sample.remaining() + " bytes (lost)", e);
            return;
        }
        try {
            consumer.accept(event);
            delivered.incrementAndGet();
        } catch (RuntimeException e) {
            consumerFailures.incrementAndGet();
            problems.warn("syscall probes: event consumer failed on " + event, e);
        }
    }

    /** Blocks until every event the kernel submitted before this call has gone to the consumer (wakes the reader). */
    void drain() throws InterruptedException {
        synchronized (drainLock) {
            long ticket = ++drainRequested;
            ring.wakeUp(); // a quiet reader's poll would otherwise wait up to a second
            while (running && drainCompleted < ticket) {
                drainLock.wait();
            }
        }
    }

    /** Wakes the reader if the ring holds events it has not taken; returns whether it did. Any thread. */
    boolean wakeIfPending() {
        return ring.wakeUpIfPending();
    }

    long delivered() {
        return delivered.get();
    }

    long undecodable() {
        return undecodable.get();
    }

    long consumerFailures() {
        return consumerFailures.get();
    }

    /** Stops the thread (its poll woken at once) and frees the reader. */
    @Override
    public void close() {
        running = false;
        ring.wakeUp();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ring.close();
    }
}
