package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three variants in this kernel. The CI kernel (platform.md) has no kprobes (CONFIG_KPROBES
 * unset: no kprobe PMU in /sys/bus/event_source/devices) and refuses fentry programs with EPERM;
 * those facts are asserted exactly where the kprobe PMU is absent. Where it is present (the qemu
 * kernel matrix), the same tests expect the variants to attach.
 */
@RootTest
class SyscallVariantsTest {
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");
    private static final SyscallProbeOptions FORCE_KPROBE = SyscallProbeOptions.of(HookVariant.KPROBE, SyscallFilter.none());
    private static final SyscallProbeOptions FORCE_FENTRY = SyscallProbeOptions.of(HookVariant.FENTRY, SyscallFilter.none());
    private static final List<String> TRACEPOINTS =
            List.of("inet_sock_set_state", "sys_exit_accept", "sys_exit_accept4", "sys_exit_connect");
    private final KernelClock clock = new KernelClock();

    @BeforeEach
    void root() {
        Privileges.requireRoot();
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
        String before = OwnBpfFds.census();
        LibBpfException e = assertThrows(LibBpfException.class, () -> SyscallProbes.open(FORCE_KPROBE, clock));
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertEquals("bpf_program__attach", e.call());
        assertTrue(e.object().startsWith("kprobe_tcp_v4_connect"), e.object());
        assertEquals(before, OwnBpfFds.census(), "the loaded kprobe object was closed: no program, map or link left");
    }

    @Test
    void fentryVariantIsRefusedAtLoadHereWithAClearError() {
        if (!ciKernel()) {
            try (BpfObject loaded = VariantAttacher.loadOnly(HookVariant.FENTRY, FORCE_FENTRY)) {
                assertEquals(3, loaded.programs().size());
            }
            return;
        }
        String before = OwnBpfFds.census();
        LibBpfException e = assertThrows(LibBpfException.class, () -> SyscallProbes.open(FORCE_FENTRY, clock));
        assertEquals(Errno.EPERM, e.errno(), e.getMessage());
        assertEquals("bpf_object__load", e.call());
        assertEquals("sock_fentry", e.object());
        assertTrue(e.getMessage().startsWith("bpf_object__load(sock_fentry): EPERM"), e.getMessage());
        assertEquals(before, OwnBpfFds.census(), "maps created before the refused load are gone too");
    }

    @Test
    void autoPicksTheCheapestVariantThatAttachesAndClosesTheOthers() {
        HookVariant expected = ciKernel() ? HookVariant.RAW_TRACEPOINT : HookVariant.FENTRY;
        String before = OwnBpfFds.census();
        List<Map<String, String>> progsBefore = OwnBpfFds.of(OwnBpfFds.PROG);
        int linksBefore = OwnBpfFds.of(OwnBpfFds.LINK).size();
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none()), clock)) {
            assertEquals(expected, probes.variantInUse());
            if (ciKernel()) { // nothing of the fentry and kprobe attempts is left: only the 2 raw tracepoint programs
                assertEquals(progsBefore.size() + 2, OwnBpfFds.of(OwnBpfFds.PROG).size(), OwnBpfFds.census());
                assertRawTracepointsLinked(linksBefore);
            }
        }
        assertEquals(before, OwnBpfFds.census(), "close() detached and unloaded everything");
    }

    @Test
    void rawTracepointVariantAttachesBothProgramsWithoutPerfEvents() {
        int linksBefore = OwnBpfFds.of(OwnBpfFds.LINK).size();
        int perfEventsBefore = OwnBpfFds.perfEvents();
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.RAW_TRACEPOINT, SyscallFilter.none()), clock)) {
            assertEquals(HookVariant.RAW_TRACEPOINT, probes.variantInUse());
            assertRawTracepointsLinked(linksBefore);
            assertEquals(perfEventsBefore, OwnBpfFds.perfEvents(), "tp_btf links need no perf event");
        }
    }

    /** Two more raw tracepoint links (tp_btf/inet_sock_set_state, tp_btf/sys_exit), each to one of our programs. */
    private static void assertRawTracepointsLinked(int linksBefore) {
        List<Map<String, String>> links = OwnBpfFds.of(OwnBpfFds.LINK);
        assertEquals(linksBefore + 2, links.size(), OwnBpfFds.census());
        Set<String> ourPrograms = OwnBpfFds.of(OwnBpfFds.PROG).stream().map(p -> p.get("prog_id")).collect(Collectors.toSet());
        assertTrue(links.stream().allMatch(l -> ourPrograms.contains(l.get("prog_id"))), links.toString());
        assertTrue(links.stream().filter(l -> ourPrograms.contains(l.get("prog_id")))
                .allMatch(l -> "raw_tracepoint".equals(l.get("link_type"))), links.toString());
        List<String> named = links.stream().filter(l -> l.containsKey("tp_name")).map(l -> l.get("tp_name")).sorted().toList();
        if (!named.isEmpty()) {
            assertEquals(List.of("inet_sock_set_state", "sys_exit"), named);
        }
    }

    @Test
    void tracepointVariantAttachesEveryProgram() {
        int linksBefore = OwnBpfFds.of(OwnBpfFds.LINK).size();
        try (SyscallProbes probes = SyscallProbes.open(SyscallProbeOptions.of(HookVariant.TRACEPOINT, SyscallFilter.none()), clock)) {
            assertEquals(HookVariant.TRACEPOINT, probes.variantInUse());
            assertTracepointsLinked(linksBefore);
        }
    }

    /**
     * Four more links than before, each to one of our programs; where the kernel names the
     * tracepoint in the link's fdinfo (6.18 does, 6.12 does not), exactly our four tracepoints.
     */
    private static void assertTracepointsLinked(int linksBefore) {
        List<Map<String, String>> links = OwnBpfFds.of(OwnBpfFds.LINK);
        assertEquals(linksBefore + 4, links.size(), OwnBpfFds.census());
        Set<String> ourPrograms = OwnBpfFds.of(OwnBpfFds.PROG).stream().map(p -> p.get("prog_id")).collect(Collectors.toSet());
        assertTrue(links.stream().allMatch(l -> ourPrograms.contains(l.get("prog_id"))), links.toString());
        List<String> named = links.stream().filter(l -> l.containsKey("tp_name")).map(l -> l.get("tp_name")).sorted().toList();
        if (!named.isEmpty()) {
            assertEquals(TRACEPOINTS, named);
        }
    }
}
