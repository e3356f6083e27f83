package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * fexit/inet_csk_accept finds its return value in the slot that Java chose from vmlinux BTF, and
 * the object makes no CO-RE reference to struct proto_accept_arg (absent before Linux 6.10: libbpf
 * 1.1 would search module BTFs for it, which fails the load without CAP_SYS_ADMIN).
 * Both kernels' loads are proven in qemu (packaging/vm: 6.1 takes ctx[4], 6.12 ctx[2]).
 */
@UnitTest
class FentryAcceptSlotTest {
    private static final Path OBJECT = Path.of("target/classes/bpf/sock_fentry.bpf.o");

    @Test
    void theSlotFollowsTheKernelsBtf() {
        Privileges.requireTool("bpftool");
        boolean hasAcceptArg = Tools.run("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux")
                .contains("] STRUCT 'proto_accept_arg' ");
        assertEquals(hasAcceptArg ? 2 : 4, ProbeObjects.acceptReturnSlot());
    }

    @Test
    void theObjectNamesNoTypeThatOldKernelsLack() {
        Privileges.requireTool("bpftool");
        String btf = Tools.run("bpftool", "btf", "dump", "file", OBJECT.toString());
        assertFalse(btf.contains("proto_accept_arg"), "sock_fentry.bpf.o must not refer to struct proto_accept_arg");
        assertTrue(btf.contains("VAR '" + ProbeObjects.ACCEPT_RET_SLOT + "' "), "the slot is a const volatile global");
    }
}
