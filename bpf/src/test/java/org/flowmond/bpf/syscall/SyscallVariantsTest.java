package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three variants in this kernel. The CI kernel (platform.md) has no kprobes (CONFIG_KPROBES
 * unset: no kprobe PMU in /sys/bus/event_source/devices) and refuses fentry programs with EPERM;
 * those facts are asserted exactly where the kprobe PMU is absent. Where it is present (the qemu
 * kernel matrix), the same tests expect the variants to attach.
 */
class SyscallVariantsTest {
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");
    private static final SyscallProbeOptions FORCE_KPROBE = SyscallProbeOptions.of(HookVariant.KPROBE, SyscallFilter.none());
    private static final SyscallProbeOptions FORCE_FENTRY = SyscallProbeOptions.of(HookVariant.FENTRY, SyscallFilter.none());
    private final KernelClock clock = new KernelClock();

    @BeforeEach
    void root() {
        Privileges.requireRoot();
        Privileges.requireTool("bpftool");
    }

    private static boolean ciKernel() {
        return !Files.exists(KPROBE_PMU);
    }

    @Test
    void kprobeVariantPassesTheVerifier() {
        try (BpfObject loaded = VariantAttacher.loadOnly(HookVariant.KPROBE, FORCE_KPROBE)) {
            assertEquals(List.of("kprobe_tcp_v4_connect", "kretprobe_tcp_v4_connect", "kprobe_tcp_v6_connect",
                            "kretprobe_tcp_v6_connect", "kretprobe_inet_csk_accept"),
                    loaded.programs().stream().map(p -> p.name()).toList());
            assertTrue(loaded.programs().stream().allMatch(p -> p.fd() > 0));
        }
    }

    @Test
    void forcedKprobeFailsToAttachHereAndLeavesNothingBehind() {
        if (!ciKernel()) {
            try (SyscallProbes probes = SyscallProbes.open(FORCE_KPROBE, clock)) {
                assertEquals(HookVariant.KPROBE, probes.variantInUse());
            }
            return;
        }
        LibBpfException e = assertThrows(LibBpfException.class, () -> SyscallProbes.open(FORCE_KPROBE, clock));
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertEquals("bpf_program__attach", e.call());
        assertTrue(e.object().startsWith("kprobe_tcp_v4_connect"), e.object());
        assertNoProgramLoaded("kprobe_tcp_v", "kretprobe_tcp_", "kretprobe_inet");
    }

    @Test
    void fentryVariantIsRefusedAtLoadHereWithAClearError() {
        if (!ciKernel()) {
            try (BpfObject loaded = VariantAttacher.loadOnly(HookVariant.FENTRY, FORCE_FENTRY)) {
                assertEquals(3, loaded.programs().size());
            }
            return;
        }
        LibBpfException e = assertThrows(LibBpfException.class, () -> SyscallProbes.open(FORCE_FENTRY, clock));
        assertEquals(Errno.EPERM, e.errno(), e.getMessage());
        assertEquals("bpf_object__load", e.call());
        assertEquals("sock_fentry", e.object());
        assertTrue(e.getMessage().startsWith("bpf_object__load(sock_fentry): EPERM"), e.getMessage());
        assertNoProgramLoaded("fexit_tcp_v", "fexit_inet_csk");
    }

    @Test
    void autoPicksTheCheapestVariantThatAttachesAndClosesTheOthers() {
        HookVariant expected = ciKernel() ? HookVariant.TRACEPOINT : HookVariant.FENTRY;
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none()), clock)) {
            assertEquals(expected, probes.variantInUse());
            if (ciKernel()) {
                assertNoProgramLoaded("kprobe_tcp_v", "kretprobe_tcp_", "fexit_tcp_v");
                assertTrue(loadedPrograms().contains("tp_inet_sock_se"), "the tracepoint programs are loaded");
            }
        }
        assertNoProgramLoaded("tp_inet_sock_se", "tp_sys_exit_con", "tp_sys_exit_acc");
    }

    @Test
    void tracepointVariantAttachesEveryProgram() {
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.TRACEPOINT, SyscallFilter.none()), clock)) {
            assertEquals(HookVariant.TRACEPOINT, probes.variantInUse());
            String links = Tools.run("bpftool", "link", "show");
            // bpftool shows names cut to 15 characters: tp_sys_exit_acc is accept and accept4
            Matcher ids = Pattern.compile("(?m)^(\\d+): tracepoint\\s+name (tp_inet_sock_se|tp_sys_exit_con|tp_sys_exit_acc)")
                    .matcher(loadedPrograms());
            int attached = 0;
            while (ids.find()) {
                assertTrue(Pattern.compile("prog " + ids.group(1) + "\\b").matcher(links).find(),
                        ids.group(2) + " (id " + ids.group(1) + ") has a link:\n" + links);
                attached++;
            }
            assertEquals(4, attached, "inet_sock_set_state, sys_exit_connect, sys_exit_accept4, sys_exit_accept");
        }
    }

    private static String loadedPrograms() {
        return Tools.run("bpftool", "prog", "show");
    }

    /** No loaded BPF program's (15-character) name starts with any of these prefixes. */
    private static void assertNoProgramLoaded(String... prefixes) {
        String programs = loadedPrograms();
        for (String prefix : prefixes) {
            assertFalse(programs.contains(" name " + prefix), "a program named " + prefix + "... is still loaded:\n" + programs);
        }
    }
}
