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
        try (BpfObject obj = TestObjects.openForThisThread(42)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { });
            CountDownLatch polling = new CountDownLatch(1);
            AtomicInteger polls = new AtomicInteger();
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread poller = new Thread(() -> {
                try {
                    while (true) {
                        ring.poll(50);
                        polls.incrementAndGet();
                        polling.countDown();
                    }
                } catch (Throwable t) {
                    ended.set(t);
                }
            }, "test-ring-poller");
            poller.start();
            polling.await();
            obj.close(); // closes the ring buffer first, under its lock
            poller.join();
            assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
            assertEquals("RingBuffer[events] is closed", ended.get().getMessage());
            assertTrue(polls.get() >= 1);
        }
    }

    /** A poller that polls again at once after each poll, each time for 1 s: close must not wait a second. */
    @Test
    void closeWakesAPollerBlockedInALongPollPromptly() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = TestObjects.openForThisThread(42)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { });
            CountDownLatch polling = new CountDownLatch(1);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread poller = new Thread(() -> {
                try {
                    while (true) {
                        polling.countDown();
                        ring.poll(1000);
                    }
                } catch (Throwable t) {
                    ended.set(t);
                }
            }, "test-ring-poller");
            poller.start();
            polling.await();
            Thread.sleep(100); // well inside its first 1 s poll
            long t0 = System.nanoTime();
            ring.close();
            long closeMillis = (System.nanoTime() - t0) / 1_000_000;
            poller.join(5000);
            assertTrue(closeMillis < 300, "close took " + closeMillis + " ms behind a 1 s poll");
            assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
        }
    }

    @Test
    void aWakeUpEndsOnePollAndLeavesTheNextToItsTimeout() throws Exception {
        Privileges.requireRoot();
        try (BpfObject obj = TestObjects.openForThisThread(42)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
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
