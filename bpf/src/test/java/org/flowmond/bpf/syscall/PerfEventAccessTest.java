package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused kprobe/tracepoint attach says why and how to fix it (Debian's perf_event_paranoid=3
 * under the systemd unit, found in qemu on 6.1); the sysctl is read from a file given here.
 */
@UnitTest
class PerfEventAccessTest {
    private static final String FIXES = "Fix: flowmon.probes.syscall-hook = fentry or auto (no perf events;"
            + " Linux 5.5+ with BTF), or add CAP_SYS_ADMIN to the service with a systemd drop-in (systemctl edit"
            + " flowmond: [Service] CapabilityBoundingSet=CAP_SYS_ADMIN; packaging/README.md, \"Perf events\"),"
            + " or lower the sysctl: sysctl -w kernel.perf_event_paranoid=2";

    @TempDir
    Path dir;

    @Test
    void debianParanoidThreeNamesTheValueTheCapabilityAndTheFixes() throws IOException {
        Path sysctl = Files.writeString(dir.resolve("perf_event_paranoid"), "3\n");
        LibBpfException refused = new LibBpfException("bpf_program__attach",
                "kprobe_tcp_v4_connect, SEC kprobe/tcp_v4_connect", Errno.EACCES);
        LibBpfException e = PerfEventAccess.explain(HookVariant.KPROBE, refused, sysctl);
        assertEquals("bpf_program__attach(kprobe_tcp_v4_connect, SEC kprobe/tcp_v4_connect): EACCES (Permission denied);"
                + " perf_event_open was refused: kernel.perf_event_paranoid is 3 (" + sysctl + "), and above 2 a"
                + " Debian/Ubuntu kernel allows perf events only with CAP_SYS_ADMIN (CAP_PERFMON is not enough);"
                + " libbpf attaches kprobes and tracepoints through perf events. " + FIXES, e.getMessage());
        assertEquals(Errno.EACCES, e.errno());
        assertEquals(refused.call(), e.call());
        assertEquals(refused.object(), e.object());
        assertSame(refused, e.getCause());
    }

    @Test
    void aPermissiveSysctlPointsAtCapabilitiesSeccompAndSecurityModules() throws IOException {
        Path sysctl = Files.writeString(dir.resolve("perf_event_paranoid"), "2\n");
        LibBpfException e = PerfEventAccess.explain(HookVariant.TRACEPOINT,
                new LibBpfException("bpf_program__attach", "tp_sys_exit_connect", Errno.EPERM), sysctl);
        assertEquals("bpf_program__attach(tp_sys_exit_connect): EPERM (Operation not permitted);"
                + " perf_event_open was refused although kernel.perf_event_paranoid is 2 (" + sysctl + ") allows"
                + " perf events with CAP_PERFMON: check that the process has CAP_PERFMON (CAP_SYS_ADMIN on kernels"
                + " before 5.8) and that no seccomp filter (systemd SystemCallFilter=) or security module refuses"
                + " perf_event_open. " + FIXES, e.getMessage());
    }

    @Test
    void anUnreadableSysctlIsSaidToBeUnreadable() {
        Path missing = dir.resolve("absent");
        String reason = PerfEventAccess.reason(missing);
        assertTrue(reason.startsWith("perf_event_open was refused and " + missing + " could not be read"
                + " (java.nio.file.NoSuchFileException: " + missing + "); "), reason);
        assertTrue(reason.endsWith(FIXES), reason);
    }

    @Test
    void otherFailuresAndFentryAreLeftAsTheyAre() throws IOException {
        Path sysctl = Files.writeString(dir.resolve("perf_event_paranoid"), "3\n");
        LibBpfException noKprobes = new LibBpfException("bpf_program__attach", "kprobe_tcp_v4_connect", Errno.ENOENT);
        assertSame(noKprobes, PerfEventAccess.explain(HookVariant.KPROBE, noKprobes, sysctl));
        LibBpfException fentryLoad = new LibBpfException("bpf_object__load", "sock_fentry", Errno.EPERM);
        assertSame(fentryLoad, PerfEventAccess.explain(HookVariant.FENTRY, fentryLoad, sysctl));
        LibBpfException kprobeLoad = new LibBpfException("bpf_object__load", "sock_kprobe", Errno.EPERM);
        assertSame(kprobeLoad, PerfEventAccess.explain(HookVariant.KPROBE, kprobeLoad, sysctl), "not a perf event");
    }
}
