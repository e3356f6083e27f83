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
 * wake-up because the ring is a quarter full, then {@code consume} takes whatever is there
 * (libbpf's poll alone would take nothing: it only reads rings that signalled).
 */
final class RingReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingReader.class);
    private static final long CLOCK_RESYNC_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RingBuffer ring;
    private final SockEventCodec codec;
    private final KernelClock clock;
    private final Consumer<SocketEvent> consumer;
    /** Told after each read of the ring: the consumer may batch its hand-over until then. */
    private final Runnable endOfRead;
    private final int pollMillis;
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
               Duration pollInterval) {
        this.codec = new SockEventCodec(clock);
        this.clock = clock;
        this.consumer = consumer;
        this.endOfRead = endOfRead;
        this.pollMillis = (int) pollInterval.toMillis();
        this.ring = RingBuffer.open(events, this::onSample);
        this.thread = new Thread(this::run, "flowmond-syscall-events");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long nextResync = System.nanoTime() + CLOCK_RESYNC_NANOS;
        try {
            while (running) {
                ring.poll(pollMillis);
                long ticket;
                synchronized (drainLock) {
                    ticket = drainRequested;
                }
                ring.consume();
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

    /** Blocks until every event the kernel submitted before this call has gone to the consumer. */
    void drain() throws InterruptedException {
        synchronized (drainLock) {
            long ticket = ++drainRequested;
            while (running && drainCompleted < ticket) {
                drainLock.wait();
            }
        }
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

    /** Stops the thread (within one poll interval) and frees the reader. */
    @Override
    public void close() {
        running = false;
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
