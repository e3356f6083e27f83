package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Iterator links and bpffs mounting/pinning. */
@RootTest
class IterAndFsTest {

    @BeforeEach
    void needsRoot() {
        Privileges.requireRoot();
    }

    @Test
    void taskIteratorListsThisProcessAndAChild() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.load();
            BpfLink link = obj.program("iter_tasks").attachIter();
            List<String> tgids = new String(link.readIter(), StandardCharsets.US_ASCII).lines().toList();
            assertTrue(tgids.contains(String.valueOf(ProcessHandle.current().pid())), "our pid");
            assertTrue(tgids.contains(String.valueOf(child.pid())), "the child's pid");
            assertEquals(tgids.size(), tgids.stream().distinct().count(), "one line per process");
            link.close();
            assertThrows(IllegalStateException.class, link::readIter);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void mountsBpfFsWherePinsWorkAndUnmounts(@TempDir Path dir) {
        Path mountPoint = dir.resolve("bpffs");
        assertTrue(BpfFs.ensureMounted("bpf", mountPoint));
        try {
            assertTrue(BpfFs.isMounted("bpf", mountPoint));
            assertFalse(BpfFs.ensureMounted("bpf", mountPoint), "already mounted: nothing to do");
            try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
                obj.program("iter_tasks").setAutoload(false);
                obj.load();
                Path pin = mountPoint.resolve("kv");
                obj.map("kv").pin(pin.toString());
                assertTrue(Files.exists(pin));
                obj.map("kv").unpin(pin.toString());
                assertFalse(Files.exists(pin));
            }
        } finally {
            BpfFs.unmount(mountPoint);
        }
        assertFalse(BpfFs.isMounted("bpf", mountPoint));
    }

    @Test
    void pinningOutsideBpfFsFailsNamingThePath(@TempDir Path dir) {
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            String path = dir.resolve("kv").toString();
            LibBpfException e = assertThrows(LibBpfException.class, () -> obj.map("kv").pin(path));
            assertEquals("bpf_map__pin", e.call());
            assertEquals("kv at " + path, e.object());
            assertEquals(Errno.EINVAL, e.errno(), e.getMessage()); // libbpf: "not on bpffs"
        }
    }
}
