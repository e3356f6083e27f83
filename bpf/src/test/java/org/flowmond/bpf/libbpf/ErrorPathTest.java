package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;

/** Every failure names what failed: the libbpf call, the object, the errno; or the missing name. */
@RootTest
class ErrorPathTest {

    @Test
    void badElfBytesFailAtOpenWithTheObjectNamed() {
        LibBpfException e = assertThrows(LibBpfException.class,
                () -> BpfObject.open("garbage", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertEquals("bpf_object__open_mem", e.call());
        assertEquals("garbage, 8 bytes", e.object());
        assertTrue(e.errno() > 0, "errno " + e.errno());
        assertTrue(e.getMessage().startsWith("bpf_object__open_mem(garbage, 8 bytes): "), e.getMessage());
    }

    @Test
    void aMissingResourceSaysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfObject.openResource("/bpf/no_such.bpf.o"));
        assertEquals("no BPF object resource /bpf/no_such.bpf.o on the class path", e.getMessage());
    }

    @Test
    void missingProgramMapAndGlobalAreNamedWithWhatExists() {
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> obj.program("nope"));
            assertEquals("BPF object binding_test has no program 'nope' (it has [on_getppid, tc_count_icmp, "
                    + "kprobe_connect, iter_tasks])", p.getMessage());
            IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> obj.map("nope"));
            assertEquals("BPF object binding_test has no map 'nope' (it has [kv, events, events2, counters, pcpu_kv, "
                    + "binding_.rodata])", m.getMessage());
            IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                    () -> obj.setGlobalU32("nope", 1));
            assertEquals("BPF object binding_test has no global 'nope' in .rodata (it has [target_tid, magic, "
                    + "enabled, ports, iter_tasks.___fmt]; only const volatile globals can be set)", g.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> obj.setGlobalU64("target_tid", 1));
            assertEquals("global 'target_tid' of BPF object binding_test has 4 bytes, not 8", size.getMessage());
            assertThrows(IllegalArgumentException.class, () -> obj.setGlobalU16Array("ports", new int[3]));
        }
    }

    @Test
    void stateRulesAreEnforced() {
        Privileges.requireRoot();
        BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST);
        assertThrows(IllegalStateException.class, () -> obj.program("on_getppid").attachTracepoint("syscalls",
                "sys_enter_getppid"), "attach before load");
        assertThrows(IllegalStateException.class, () -> obj.map("kv").fd(), "fd before load");
        obj.program("iter_tasks").setAutoload(false);
        obj.load();
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> obj.setGlobalU32("target_tid", 1));
        assertEquals("cannot set global 'target_tid' after load(): BpfObject[binding_test, loaded]", late.getMessage());
        assertThrows(IllegalStateException.class, obj::load);
        obj.close();
        obj.close();
        assertThrows(IllegalStateException.class, () -> obj.map("kv").fd());
    }

    @Test
    void kprobeLoadsButAttachFailsWithErrnoCallAndProbeNamed() {
        Privileges.requireRoot();
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load(); // the verifier accepts kprobe programs here
            assertTrue(obj.program("kprobe_connect").fd() > 0);
            LibBpfException e = assertThrows(LibBpfException.class,
                    () -> obj.program("kprobe_connect").attachKprobe("tcp_v4_connect", false));
            // platform.md: this kernel has no CONFIG_KPROBES, so attach fails with ENOENT.
            assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
            assertEquals("bpf_program__attach_kprobe", e.call());
            assertEquals("kprobe_connect, kprobe tcp_v4_connect", e.object());
            assertEquals("bpf_program__attach_kprobe(kprobe_connect, kprobe tcp_v4_connect): ENOENT "
                    + "(No such file or directory)", e.getMessage());
        }
    }

    @Test
    void aVerifierRejectionCarriesTheVerifierLog() {
        Privileges.requireRoot();
        try (BpfObject obj = BpfObject.openResource("/bpf/verifier_reject.bpf.o")) {
            LibBpfException e = assertThrows(LibBpfException.class, obj::load);
            assertEquals("bpf_object__load", e.call());
            assertEquals("verifier_reject", e.object());
            assertEquals(Errno.EACCES, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("invalid access to packet"), e.getMessage());
            assertTrue(e.getMessage().contains("prog 'reads_unchecked_packet'"), "formatted by vsnprintf: "
                    + e.getMessage());
        }
    }
}
