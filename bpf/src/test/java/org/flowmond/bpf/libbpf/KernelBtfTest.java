package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The running kernel's vmlinux BTF through libbpf, checked against bpftool's dump of the same file. */
@UnitTest
class KernelBtfTest {

    @Test
    void typeIdsEqualBpftoolsAndKindsAreDistinguished() {
        Privileges.requireTool("bpftool");
        String dump = Tools.run("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux");
        try (KernelBtf kernel = KernelBtf.load()) {
            assertEquals(bpftoolId(dump, "STRUCT", "task_struct"), kernel.typeId("task_struct", KernelBtf.KIND_STRUCT));
            assertEquals(bpftoolId(dump, "UNION", "bpf_attr"), kernel.typeId("bpf_attr", KernelBtf.KIND_UNION));
            assertEquals(0, kernel.typeId("bpf_attr", KernelBtf.KIND_STRUCT), "bpf_attr is a union");
            assertFalse(kernel.hasStruct("bpf_attr"));
            assertTrue(kernel.hasStruct("sock"));
            assertFalse(kernel.hasStruct("flowmond_no_such_struct"));
            // The struct that tells the two inet_csk_accept signatures apart (Linux 6.10): this
            // kernel has it exactly when bpftool lists it.
            int acceptArg = bpftoolId(dump, "STRUCT", "proto_accept_arg");
            assertEquals(acceptArg > 0, kernel.hasStruct("proto_accept_arg"));
            assertEquals(acceptArg, kernel.typeId("proto_accept_arg", KernelBtf.KIND_STRUCT));
            assertEquals(acceptArg > 0, KernelBtf.kernelHasStruct("proto_accept_arg"));
        }
    }

    @Test
    void rememberedAnswersEqualAFreshParseForEveryStartUpType() {
        KernelBtf.remember(KernelBtf.STARTUP_TYPES);
        KernelBtf.remember(KernelBtf.STARTUP_TYPES); // all known: no second parse, the same answers
        try (KernelBtf kernel = KernelBtf.load()) {
            for (KernelBtf.Type t : KernelBtf.STARTUP_TYPES) {
                assertEquals(kernel.typeId(t.name(), t.kind()), KernelBtf.rememberedTypeId(t.name(), t.kind()), t.toString());
            }
            assertEquals(kernel.typeId("task_struct", KernelBtf.KIND_STRUCT),
                    KernelBtf.rememberedTypeId("task_struct", KernelBtf.KIND_STRUCT), "asked once, not in the list");
            assertEquals(0, KernelBtf.rememberedTypeId("flowmond_no_such_struct", KernelBtf.KIND_STRUCT));
            assertEquals(kernel.hasStruct("tcx_entry"), KernelBtf.kernelHasStruct("tcx_entry"));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseSaysSo() {
        KernelBtf kernel = KernelBtf.load();
        kernel.close();
        kernel.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernel.hasStruct("sock"));
        assertEquals("KernelBtf is closed: cannot look up sock", e.getMessage());
    }

    /** The id bpftool prints as {@code [ID] KIND 'name' ...}; 0 if the kernel has no such type. */
    private static int bpftoolId(String dump, String kind, String name) {
        Matcher m = Pattern.compile("(?m)^\\[(\\d+)\\] " + kind + " '" + Pattern.quote(name) + "' ").matcher(dump);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
