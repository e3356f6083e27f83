package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The inbox's one policy: readers wait while a flow thread takes it; drops only when none will. */
@UnitTest
class InboxTest {
    private final AtomicBoolean consumerCalling = new AtomicBoolean();
    private final List<Object> taken = new ArrayList<>();
    private Inbox inbox;

    {
        inbox = new Inbox(consumerCalling::get, () -> inbox.drainTo(taken::add));
    }

    private static SocketEvent event() throws Exception {
        return new SocketEvent(SocketEventKind.CONNECT, 1, 4321, 4321, 1000, 1000, 1, "curl", "bash", 1, 1, 4,
                InetAddress.getByName("10.0.0.2"), 40000, InetAddress.getByName("10.0.0.1"), 80);
    }

    @Test
    void withoutAFlowThreadAFullInboxIsACountedDrop() throws Exception {
        Consumer<SocketEvent> reader = inbox.producer().events();
        SocketEvent e = event();
        for (int i = 0; i < Inbox.CAPACITY + 3; i++) {
            reader.accept(e);
        }
        assertEquals(3, inbox.droppedEvents());
        inbox.drainTo(taken::add);
        assertEquals(Inbox.CAPACITY, taken.size());
    }

    @Test
    void whileAFlowThreadTakesItAReaderWaitsForRoom() throws Exception {
        inbox.start();
        SocketEvent e = event();
        int burst = 3 * Inbox.CAPACITY;
        Thread reader = new Thread(() -> {
            Consumer<SocketEvent> r = inbox.producer().events();
            for (int i = 0; i < burst; i++) {
                r.accept(e);
            }
        });
        reader.start();
        while (reader.isAlive() || taken.size() < burst) {
            inbox.drainTo(taken::add);
            Thread.onSpinWait();
        }
        assertEquals(burst, taken.size());
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void theConsumerNeverWaitsForItself() throws Exception {
        inbox.start();
        consumerCalling.set(true); // e.g. the TC ring read on the thread that holds the flow lock
        Consumer<SocketEvent> own = inbox.producer().events();
        SocketEvent e = event();
        for (int i = 0; i < Inbox.CAPACITY + 5; i++) {
            own.accept(e);
        }
        inbox.drainTo(taken::add);
        assertEquals(Inbox.CAPACITY + 5, taken.size(), "a full inbox was emptied into the table first");
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void aClosedProducerStopsWaitingAndCountsItsDrop() throws Exception {
        inbox.start();
        Inbox.Producer producer = inbox.producer();
        UniFlow packet = overflowPacket();
        for (int i = 0; i < Inbox.CAPACITY; i++) {
            assertTrue(producer.overflow().test(packet));
        }
        AtomicBoolean queued = new AtomicBoolean(true);
        Thread reader = new Thread(() -> queued.set(producer.overflow().test(packet)));
        reader.start();
        producer.close(); // its source is being drained to be replaced or closed: no more waiting
        reader.join();
        assertFalse(queued.get());
        assertEquals(1, inbox.droppedOverflow());
        assertEquals(0, inbox.droppedEvents());
    }

    /**
     * A consumer asleep on the inbox, as the flow thread between cycles: it counts how often it was
     * woken and takes what is queued each time, until stopped.
     */
    private final class SleepingConsumer extends Thread {
        final List<Object> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean running = true;

        SleepingConsumer() {
            super("test-flow-thread");
            setDaemon(true);
        }

        @Override
        public void run() {
            List<Object> mine = new ArrayList<>();
            try {
                while (running) {
                    inbox.await(java.util.concurrent.TimeUnit.MINUTES.toNanos(1)); // no cycle during the test
                    inbox.drainTo(mine::add);
                    seen.addAll(mine);
                    mine.clear();
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        /** Waits until the consumer sleeps again (nothing queued, parked on the inbox). */
        void awaitAsleep() throws InterruptedException {
            while (getState() != State.TIMED_WAITING) {
                Thread.sleep(1);
            }
        }

        void stopNow() throws InterruptedException {
            running = false;
            interrupt();
            join();
        }
    }

    @Test
    void eventsWakeTheConsumerOncePerBatchAndAtTheEndOfEachRead() throws Exception {
        inbox.start();
        SleepingConsumer consumer = new SleepingConsumer();
        consumer.start();
        consumer.awaitAsleep();
        BatchedConsumer<SocketEvent> reader = inbox.producer().events();
        SocketEvent e = event();
        for (int i = 0; i < Inbox.WAKE_BATCH - 1; i++) {
            reader.accept(e);
        }
        Thread.sleep(50);
        assertEquals(0, inbox.wakes(), "fewer events than a batch within one read: no wake-up yet");
        assertTrue(consumer.seen.isEmpty());
        reader.endOfBatch(); // the end of the ring read: the rest of the burst is handed over at once
        awaitSeen(consumer, Inbox.WAKE_BATCH - 1);
        assertEquals(1, inbox.wakes());

        consumer.awaitAsleep();
        reader.endOfBatch(); // an empty read signals nothing
        assertEquals(1, inbox.wakes());

        int burst = 10 * Inbox.WAKE_BATCH + 7;
        for (int i = 0; i < burst; i++) {
            reader.accept(e);
        }
        reader.endOfBatch();
        awaitSeen(consumer, Inbox.WAKE_BATCH - 1 + burst);
        assertTrue(inbox.wakes() <= 1 + 11, "at most one wake-up per batch and one per read: " + inbox.wakes());
        consumer.stopNow();
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void aReaderFindingTheInboxFullWakesTheConsumerBeforeItWaits() throws Exception {
        inbox.start();
        BatchedConsumer<SocketEvent> reader = inbox.producer().events();
        SocketEvent e = event();
        Thread fill = new Thread(() -> {
            for (int i = 0; i < Inbox.CAPACITY; i++) {
                reader.accept(e); // the last batch of these is never signalled by a batch of 256 or a read's end
            }
        });
        fill.start();
        fill.join();
        SleepingConsumer consumer = new SleepingConsumer();
        consumer.start();
        // The consumer saw a full inbox before parking: it takes it; the reader's next offer then fits.
        awaitSeen(consumer, Inbox.CAPACITY);
        consumer.awaitAsleep();
        Thread more = new Thread(() -> {
            for (int i = 0; i < Inbox.CAPACITY + Inbox.WAKE_BATCH / 2; i++) {
                reader.accept(e);
            }
        });
        more.start();
        more.join(); // the reader never waited for good: the full inbox woke the consumer
        reader.endOfBatch();
        awaitSeen(consumer, 2 * Inbox.CAPACITY + Inbox.WAKE_BATCH / 2);
        consumer.stopNow();
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void eachOverflowRecordWakesTheConsumer() throws Exception {
        inbox.start();
        SleepingConsumer consumer = new SleepingConsumer();
        consumer.start();
        Predicate<UniFlow> reader = inbox.producer().overflow();
        UniFlow packet = overflowPacket();
        for (int i = 1; i <= 3; i++) {
            consumer.awaitAsleep();
            assertTrue(reader.test(packet));
            awaitSeen(consumer, i);
        }
        assertEquals(3, inbox.wakes());
        consumer.stopNow();
    }

    private static void awaitSeen(SleepingConsumer consumer, int n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (consumer.seen.size() < n) {
            assertTrue(System.nanoTime() < deadline, "consumer saw " + consumer.seen.size() + " of " + n);
            Thread.sleep(1);
        }
        assertEquals(n, consumer.seen.size());
    }

    static UniFlow overflowPacket() throws Exception {
        FlowKey key = new FlowKey(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"), 40001, 80, 6,
                FlowKey.ETH_P_IP, 2, Direction.EGRESS);
        return new UniFlow(key, new FlowCounters(1, 60, 1, 1, 0), null, null);
    }
}
