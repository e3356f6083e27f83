package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;

/** One reader over two ring-buffer maps, and a non-ring map refused. */
@RootTest
class RingBufferMapsTest {

    @Test
    void oneReaderServesTwoRingsWithTheirOwnHandlers() {
        Privileges.requireRoot();
        int tid = TestObjects.LIBC.gettid();
        try (BpfObject obj = TestObjects.openForThisThread(7)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            List<Long> magics = new ArrayList<>();
            List<Integer> tids = new ArrayList<>();
            RingBuffer ring = RingBuffer.open(obj.map("events"), b -> magics.add(b.getLong(0)));
            ring.add(obj.map("events2"), b -> tids.add(b.getInt(0)));
            obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_getppid");
            for (int i = 0; i < 3; i++) {
                TestObjects.LIBC.getppid();
            }
            assertTrue(ring.wakeUpIfPending(), "records wait in both rings");
            assertEquals(6, ring.consume());
            assertEquals(List.of(7L, 7L, 7L), magics);
            assertEquals(List.of(tid, tid, tid), tids);
            assertFalse(ring.wakeUpIfPending(), "both rings taken");
            TestObjects.LIBC.getppid();
            ring.close();
            assertFalse(ring.wakeUpIfPending(), "closed: its positions are unmapped, nobody to wake");
        }
    }

    @Test
    void aMapThatIsNotARingIsRefused() {
        Privileges.requireRoot();
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RingBuffer.open(obj.map("kv"), b -> { }));
            assertEquals("map kv is not a ring buffer (type 1)", e.getMessage());
        }
    }
}
