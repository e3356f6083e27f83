package org.flowmond.bpf.syscall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;

/**
 * Says why a kprobe or tracepoint attach was refused (EACCES/EPERM), and how to fix it. libbpf 1.1
 * attaches both through {@code perf_event_open(2)}; Debian and Ubuntu kernels ship
 * {@code kernel.perf_event_paranoid=3}, and their patch then refuses every perf event to a process
 * without CAP_SYS_ADMIN (CAP_PERFMON is not enough), which is how the systemd unit runs. The
 * fentry variant needs no perf event.
 */
final class PerfEventAccess {
    static final Path PARANOID = Path.of("/proc/sys/kernel/perf_event_paranoid");
    /** Above this, Debian's patch demands CAP_SYS_ADMIN for any perf event. */
    private static final int DEBIAN_ANY_LEVEL = 2;

    private PerfEventAccess() {
    }

    /**
     * {@code e} with the reason and the fix added to its message when it is a permission refusal
     * of a kprobe or tracepoint attach; otherwise {@code e} itself.
     */
    static LibBpfException explain(HookVariant variant, LibBpfException e, Path paranoidFile) {
        boolean perfEventVariant = variant == HookVariant.KPROBE || variant == HookVariant.TRACEPOINT;
        boolean refused = e.errno() == Errno.EACCES || e.errno() == Errno.EPERM;
        if (!perfEventVariant || !refused || !e.call().startsWith("bpf_program__attach")) {
            return e;
        }
        LibBpfException explained = new LibBpfException(e.call(), e.object(), e.errno(), reason(paranoidFile));
        explained.initCause(e);
        return explained;
    }

    /** The reason for a refused perf event, from the sysctl's current value. */
    static String reason(Path paranoidFile) {
        String value;
        try {
            value = Files.readString(paranoidFile, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "perf_event_open was refused and " + paranoidFile + " could not be read (" + e
                    + "); libbpf attaches kprobes and tracepoints through perf events. " + fixes();
        }
        String sysctl = "kernel.perf_event_paranoid is " + value + " (" + paranoidFile + ")";
        if (paranoid(value) > DEBIAN_ANY_LEVEL) {
            return "perf_event_open was refused: " + sysctl + ", and above 2 a Debian/Ubuntu kernel allows"
                    + " perf events only with CAP_SYS_ADMIN (CAP_PERFMON is not enough); libbpf attaches"
                    + " kprobes and tracepoints through perf events. " + fixes();
        }
        return "perf_event_open was refused although " + sysctl + " allows perf events with CAP_PERFMON:"
                + " check that the process has CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8) and that no"
                + " seccomp filter (systemd SystemCallFilter=) or security module refuses perf_event_open. "
                + fixes();
    }

    private static String fixes() {
        return "Fix: flowmon.probes.syscall-hook = fentry or auto (no perf events; Linux 5.5+ with BTF),"
                + " or add CAP_SYS_ADMIN to the service with a systemd drop-in (systemctl edit flowmond:"
                + " [Service] CapabilityBoundingSet=CAP_SYS_ADMIN; packaging/README.md, \"Perf events\"),"
                + " or lower the sysctl: sysctl -w kernel.perf_event_paranoid=2";
    }

    /** The sysctl as a number; an unparsable value counts as the strictest. */
    private static int paranoid(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
