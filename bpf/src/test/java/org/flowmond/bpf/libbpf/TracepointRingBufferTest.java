package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core path in the real kernel: open → globals in .rodata → load → attach a tracepoint →
 * events through a ring buffer, counters in a hash and a per-CPU array.
 */
@RootTest
class TracepointRingBufferTest {
    private static final long MAGIC = 0x0123_4567_89ab_cdefL;
    private static final int CALLS = 5;

    /** One decoded struct test_event (binding_test.bpf.c). */
    record Event(long magic, int tid, int seq, int portsSum, int enabled) {
        static Event decode(ByteBuffer b) {
            assertEquals(24, b.remaining(), "sizeof(struct test_event)");
            return new Event(b.getLong(0), b.getInt(8), b.getInt(12), Short.toUnsignedInt(b.getShort(16)),
                    Byte.toUnsignedInt(b.get(18)));
        }
    }

    @BeforeEach
    void needsRoot() {
        Privileges.requireRoot();
    }

    @Test
    void tracepointEventsArriveThroughTheRingBufferWithTheGlobalsSet() {
        int tid = TestObjects.LIBC.gettid();
        try (BpfObject obj = TestObjects.openForThisThread(MAGIC)) {
            obj.program("kprobe_connect").setAutoload(false);
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            List<Event> events = new ArrayList<>();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> events.add(Event.decode(b)));
            BpfLink link = obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_getppid");

            assertFalse(ring.wakeUpIfPending(), "an empty ring wakes nobody");
            for (int i = 0; i < CALLS; i++) {
                TestObjects.LIBC.getppid();
            }
            assertTrue(ring.wakeUpIfPending(), "records wait: the positions say so without a read");
            assertEquals(CALLS, ring.consume());
            assertFalse(ring.wakeUpIfPending(), "all taken");

            assertEquals(CALLS, events.size());
            for (int i = 0; i < CALLS; i++) {
                assertEquals(new Event(MAGIC, tid, i + 1, 1 + 2 + 3 + 40000, 1), events.get(i));
            }
            byte[] calls = new byte[8];
            assertTrue(obj.map("kv").lookup(LittleEndian.u32(tid), calls));
            assertEquals(CALLS, LittleEndian.getU64(calls, 0));
            assertEquals(CALLS, obj.map("counters").sumPerCpuU64(0));
            assertEquals(BpfMap.possibleCpus(), obj.map("counters").lookupPerCpuU64(0).length);
            assertEquals(CALLS, ring.samples());
            assertEquals(0, ring.handlerFailures());

            link.close();
            TestObjects.LIBC.getppid();
            assertEquals(0, ring.consume(), "no events once the link is closed");
            assertEquals(CALLS, obj.map("counters").sumPerCpuU64(0));
        }
    }

    @Test
    void aThrowingHandlerIsCountedAndNeverReachesC() {
        try (BpfObject obj = TestObjects.openForThisThread(MAGIC)) {
            obj.program("kprobe_connect").setAutoload(false);
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> {
                throw new IllegalStateException("handler bug");
            });
            obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_getppid");
            TestObjects.LIBC.getppid();
            TestObjects.LIBC.getppid();
            assertEquals(2, ring.poll(1000) + ring.consume());
            assertEquals(2, ring.handlerFailures());
        }
    }

    @Test
    void sampleViewsAreReadOnlyCopiesInLittleEndian() {
        try (BpfObject obj = TestObjects.openForThisThread(MAGIC)) {
            obj.program("kprobe_connect").setAutoload(false);
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            List<ByteBuffer> views = new ArrayList<>();
            List<byte[]> copies = new ArrayList<>();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> {
                views.add(b);
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                copies.add(copy);
            });
            obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_getppid");
            TestObjects.LIBC.getppid();
            assertEquals(1, ring.consume());
            assertTrue(views.get(0).isReadOnly());
            assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, views.get(0).order());
            assertEquals(MAGIC, LittleEndian.getU64(copies.get(0), 0));
            ring.close();
            ring.close(); // idempotent
            assertFalse(obj.isClosed());
        }
    }

    @Test
    void closingTheObjectClosesItsLinksAndRingBuffersFirst() {
        BpfObject obj = TestObjects.openForThisThread(MAGIC);
        obj.program("kprobe_connect").setAutoload(false);
        obj.program("iter_tasks").setAutoload(false);
        obj.load();
        RingBuffer ring = RingBuffer.open(obj.map("events"), b -> { });
        BpfLink link = obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_getppid");
        obj.close();
        assertTrue(link.isClosed());
        assertThrowsIllegalState(() -> ring.consume());
        obj.close(); // idempotent
        link.close();
        assertThrowsIllegalState(() -> obj.map("kv").lookup(new byte[4], new byte[8]));
        assertArrayEquals(new byte[0], new byte[0]);
    }

    private static void assertThrowsIllegalState(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, r::run);
    }
}
