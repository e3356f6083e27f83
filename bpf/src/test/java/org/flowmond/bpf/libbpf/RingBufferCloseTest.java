package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;

/**
 * Closing while another thread polls: close wakes and waits for the running poll, the poller then
 * gets a clean IllegalStateException instead of a use-after-free inside libbpf. And the wake-up
 * itself: it ends one poll at once and leaves the following polls to their timeout.
 */
@RootTest
class RingBufferCloseTest {

    @Test
    void closeFromAnotherThreadEndsThePollerCleanly() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = loaded()) {
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { });
            Poller poller = Poller.start(ring, 50);
            while (poller.polls.get() < 1) { // one poll done: the loop is well under way
                Thread.sleep(1);
            }
            obj.close(); // closes the ring buffer first, under its lock
            poller.thread.join();
            assertTrue(poller.ended.get() instanceof IllegalStateException, String.valueOf(poller.ended.get()));
            assertEquals("RingBuffer[events] is closed", poller.ended.get().getMessage());
            assertTrue(poller.polls.get() >= 1);
        }
    }

    /** A poller that polls again at once after each poll, each time for 5 s: close must not wait for one. */
    @Test
    void closeWakesAPollerBlockedInALongPollPromptly() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = loaded()) {
            Behind close = Behind.aFiveSecondPoll(obj, RingBuffer::close);
            close.poller.thread().join(10_000);
            assertTrue(close.millis < 2000, "close took " + close.millis + " ms behind a 5 s poll");
            assertTrue(close.poller.ended().get() instanceof IllegalStateException, String.valueOf(close.poller.ended().get()));
        }
    }

    /** consume() from another thread (a final reading at stop) wakes a 5 s poll instead of waiting behind it. */
    @Test
    void consumeFromAnotherThreadWakesAPollerBlockedInALongPoll() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = loaded()) {
            Behind consume = Behind.aFiveSecondPoll(obj, RingBuffer::consume);
            assertTrue(consume.millis < 2000, "consume took " + consume.millis + " ms behind a 5 s poll");
            long deadline = System.nanoTime() + 2_000_000_000L; // its poll would end at 5 s by itself
            while (consume.poller.polls().get() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(consume.poller.polls().get() >= 1, "the poll was woken");
            consume.ring.close();
            consume.poller.thread().join(10_000);
        }
    }

    /** What {@code op} took on a ring whose poller was well inside a 5 s poll. */
    private record Behind(RingBuffer ring, Poller poller, long millis) {
        static Behind aFiveSecondPoll(BpfObject obj, java.util.function.Consumer<RingBuffer> op) throws InterruptedException {
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { });
            Poller poller = Poller.start(ring, 5000);
            poller.polling().await();
            Thread.sleep(100);
            return new Behind(ring, poller, millisOf(() -> op.accept(ring)));
        }
    }

    /** A thread that polls {@code ring} in a loop until the poll throws (the ring closed). */
    private record Poller(Thread thread, CountDownLatch polling, AtomicInteger polls, AtomicReference<Throwable> ended) {
        static Poller start(RingBuffer ring, int timeoutMillis) {
            CountDownLatch polling = new CountDownLatch(1);
            AtomicInteger polls = new AtomicInteger();
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        polling.countDown();
                        ring.poll(timeoutMillis);
                        polls.incrementAndGet();
                    }
                } catch (Throwable e) {
                    ended.set(e);
                }
            }, "test-ring-poller");
            t.start();
            return new Poller(t, polling, polls, ended);
        }
    }

    private static BpfObject loaded() {
        BpfObject obj = TestObjects.openForThisThread(42);
        obj.program("iter_tasks").setAutoload(false);
        obj.load();
        return obj;
    }

    @Test
    void aWakeUpEndsOnePollAndLeavesTheNextToItsTimeout() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = loaded()) {
            try (RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { })) {
                Thread waker = new Thread(() -> {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ring.wakeUp();
                });
                waker.start();
                assertTrue(millisOf(() -> ring.poll(5000)) < 1000, "woken after about 100 ms");
                waker.join();
                ring.wakeUp(); // before the poll: that poll returns at once
                assertTrue(millisOf(() -> ring.poll(5000)) < 1000, "a wake-up before the poll ends it");
                long quiet = millisOf(() -> ring.poll(300));
                assertTrue(quiet >= 250, "no wake-up pending: the poll waits its timeout, took " + quiet + " ms");
            }
        }
    }

    private static long millisOf(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
