package org.flowmond.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.UniFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the readers hand to the flow thread (socket events and TC overflow records), in arrival
 * order, with the one back-pressure policy {@link FlowLoop} describes. A {@link Producer} stands for
 * one reader; closing it ends that reader's waiting. The consumer sleeps in {@link #await} until
 * something is queued and a reader woke it, or its own deadline comes.
 *
 * <p>Waking: an overflow record wakes the consumer at once. Socket events come in bursts from a
 * ring reader slower than the consumer, so waking it per event made it park and unpark every few
 * events; their reader wakes it once per {@value #WAKE_BATCH} events, at the end of each ring read
 * ({@link BatchedConsumer#endOfBatch()}) and before it waits for room. No event stays unseen: the
 * end of each read wakes the consumer for whatever is still unsignalled, and every cycle empties
 * the inbox anyway.
 */
final class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    static final int CAPACITY = 65_536;
    private static final int BATCH = 1024;
    /** Socket events queued before their reader wakes the consumer within one ring read. */
    static final int WAKE_BATCH = 256;
    /** How long a reader waits for room before it checks again whether it may still wait. */
    private static final long WAIT_MILLIS = 100;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    /** Reused by {@link #drainTo} (only the consumer calls it). */
    private final List<Object> batch = new ArrayList<>(BATCH);
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong droppedOverflow = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Whether the calling thread is the consumer (it holds the flow lock), which must never wait for itself. */
    private final BooleanSupplier callerIsConsumer;
    /** Empties the inbox on the consumer's thread: how a full inbox makes room for the consumer's own offers. */
    private final Runnable makeRoom;
    /** Readers wait for room only while a flow thread takes the inbox: from start() until stop(). */
    private volatile boolean readersWait;
    /** After {@link #close()} nothing is queued any more: every offer is a counted drop. */
    private volatile boolean closed;
    /** Offers under way: {@link #close()} waits for them, so none lands in the queue after its last drain. */
    private final AtomicLong offering = new AtomicLong();
    /** The consumer while it sleeps in {@link #await}; the first offer that takes it out wakes it. */
    private final AtomicReference<Thread> sleeper = new AtomicReference<>();
    /** How often a reader's offer or end of batch actually unparked the consumer (tests). */
    private final AtomicLong wakes = new AtomicLong();

    Inbox(BooleanSupplier callerIsConsumer, Runnable makeRoom) {
        this.callerIsConsumer = callerIsConsumer;
        this.makeRoom = makeRoom;
    }

    /** A reader's handle; open until {@link Producer#close()} or {@link #stop()}. */
    Producer producer() {
        return new Producer();
    }

    /** A flow thread takes the inbox from now on: readers wait for room. */
    void start() {
        readersWait = true;
    }

    /** From now on no reader waits: a full inbox is a drop (close began). */
    void stop() {
        readersWait = false;
    }

    /**
     * Refuses every later offer and waits for those under way (they wait for no room any more once
     * {@link #stop()} was called, at most one 100 ms step); the caller then drains what is queued.
     */
    void close() {
        closed = true;
        while (offering.get() > 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * The consumer sleeps until something is queued or {@code nanos} passed; returns whether
     * something is queued. An offer wakes it at once (one wake-up per sleep: the first offer takes
     * the sleeper out), as does {@link #wake()}; interrupting it ends the wait with the exception.
     */
    boolean await(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        Thread me = Thread.currentThread();
        try {
            while (true) {
                sleeper.set(me); // before the check: an offer after it sees the sleeper and wakes it
                if (!queue.isEmpty()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (sleeper.get() == null) {
                    return !queue.isEmpty(); // taken out by an offer or by wake()
                }
            }
        } finally {
            sleeper.set(null);
        }
    }

    /** Ends the consumer's {@link #await} now (e.g. new settings change when its next cycle is due). */
    void wake() {
        Thread t = sleeper.getAndSet(null);
        if (t != null) {
            wakes.incrementAndGet();
            LockSupport.unpark(t);
        }
    }

    /** Times the sleeping consumer was unparked by {@link #wake()} (an offer, an end of batch, a reload). */
    long wakes() {
        return wakes.get();
    }

    /** Wakes the consumer if it sleeps; a plain read while it is busy. */
    private void wakeIfSleeping() {
        if (sleeper.get() != null) {
            wake();
        }
    }

    /** Hands everything queued to {@code sink} in batches; called by the consumer only. */
    void drainTo(Consumer<Object> sink) {
        while (queue.drainTo(batch, BATCH) > 0) {
            for (Object item : batch) {
                sink.accept(item);
            }
            batch.clear();
        }
    }

    /** Socket events dropped (statistic {@code dropped.event-queue}). */
    long droppedEvents() {
        return droppedEvents.get();
    }

    /** Overflow records dropped (their source counts them in {@code dropped.map-full}). */
    long droppedOverflow() {
        return droppedOverflow.get();
    }

    /** Queues {@code item}; {@code batch} null: wakes the consumer at once, else when the batch says so. */
    private boolean offer(Object item, Producer from, EventBatch batch) {
        offering.incrementAndGet();
        try {
            if (!closed && queue(item, from, batch)) {
                if (batch == null) {
                    wakeIfSleeping();
                } else {
                    batch.queued();
                }
                return true;
            }
        } finally {
            offering.decrementAndGet();
        }
        dropped(item);
        return false;
    }

    private boolean queue(Object item, Producer from, EventBatch batch) {
        if (callerIsConsumer.getAsBoolean()) {
            if (!queue.offer(item)) {
                makeRoom.run();
                queue.add(item);
            }
            return true;
        }
        if (queue.offer(item)) {
            return true;
        }
        if (batch != null) {
            batch.signal(); // the consumer may sleep on events it was not yet woken for: it makes the room
        }
        try {
            while (readersWait && from.open) {
                if (queue.offer(item, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return queue.offer(item);
    }

    private void dropped(Object item) {
        (item instanceof UniFlow ? droppedOverflow : droppedEvents).incrementAndGet();
        long n = dropped.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1, 2, 4, 8 ...: a log line per doubling
            LOG.warn("flow thread's inbox full or closed after close began: {} dropped so far ({} socket events in"
                    + " dropped.event-queue, {} overflow packets in dropped.map-full)", n, droppedEvents.get(),
                    droppedOverflow.get());
        }
    }

    /** One reader: socket events through {@link #events()}, overflow records through {@link #overflow()}. */
    final class Producer implements AutoCloseable {
        private volatile boolean open = true;

        /** Socket events from one reader thread: the consumer is woken per batch (see the class comment). */
        BatchedConsumer<SocketEvent> events() {
            return new EventBatch(this);
        }

        /** Returns false when the record was dropped; each queued record wakes the consumer. */
        Predicate<UniFlow> overflow() {
            return u -> offer(u, this, null);
        }

        /** Ends this reader's waiting: its source is being drained or closed. */
        @Override
        public void close() {
            open = false;
        }
    }

    /** One reader thread's socket events: counts those queued since it last woke the consumer. */
    private final class EventBatch implements BatchedConsumer<SocketEvent> {
        private final Producer from;
        /** Events queued and not yet signalled; touched by the reader thread only. */
        private int unsignalled;

        EventBatch(Producer from) {
            this.from = from;
        }

        @Override
        public void accept(SocketEvent e) {
            offer(e, from, this);
        }

        @Override
        public void endOfBatch() {
            if (unsignalled > 0) {
                signal();
            }
        }

        void queued() {
            if (++unsignalled >= WAKE_BATCH) {
                signal();
            }
        }

        void signal() {
            unsignalled = 0;
            wakeIfSleeping();
        }
    }
}
