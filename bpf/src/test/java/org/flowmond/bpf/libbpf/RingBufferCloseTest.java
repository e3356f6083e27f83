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
 * Closing while another thread polls: close waits for the running poll, the poller then gets a
 * clean IllegalStateException instead of a use-after-free inside libbpf.
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
}
