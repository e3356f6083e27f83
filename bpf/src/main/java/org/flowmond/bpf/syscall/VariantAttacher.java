package org.flowmond.bpf.syscall;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.BpfFs;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.BpfProgram;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.bpf.libbpf.LibBpfLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and attaches one variant of the syscall probes, or for {@link HookVariant#AUTO} the
 * cheapest that works here: fentry (trampolines), then kprobe, then the socket-level hooks (no
 * syscall traced; needs socket ownership), then raw tracepoints, then classic tracepoints (the
 * last two add a program at every syscall exit and tax every syscall of every task; bench/RESULTS.md). A variant that
 * fails half-way is closed completely (links already made, then the object) before the next is tried.
 * A kernel that refused fentry's load is not asked again at the next start ({@link FentryRefusal}).
 */
final class VariantAttacher {
    /** AUTO's order: cheapest first. */
    static final List<HookVariant> AUTO_ORDER =
            List.of(HookVariant.FENTRY, HookVariant.KPROBE, HookVariant.SOCKET, HookVariant.RAW_TRACEPOINT,
                    HookVariant.TRACEPOINT);
    private static final Logger LOG = LoggerFactory.getLogger(VariantAttacher.class);

    /** A loaded object whose programs are all attached; its links close with it. */
    record Attached(HookVariant variant, BpfObject object) {
    }

    private VariantAttacher() {
    }

    /**
     * @throws LibBpfException          the forced variant cannot be loaded or attached (errno, call, object named)
     * @throws IllegalStateException    AUTO found no variant that works; each attempt is a suppressed exception
     */
    static Attached attach(SyscallProbeOptions options) {
        HookVariant wanted = options.variant();
        if (wanted != HookVariant.AUTO) {
            Attached attached = attachOne(wanted, options);
            LOG.info("syscall probes: using {} hooks (forced by configuration)", wanted);
            return attached;
        }
        List<LibBpfException> failures = new ArrayList<>();
        for (HookVariant candidate : AUTO_ORDER) {
            if (candidate == HookVariant.KPROBE && !KprobeSupport.possible()) {
                LOG.info("syscall probes: KPROBE hooks unavailable here: the kernel has no kprobes"
                        + " (no kprobe PMU, no kprobe_events in tracefs); trying the next");
                continue;
            }
            if (candidate == HookVariant.FENTRY) {
                Optional<String> refused = FentryRefusal.remembered();
                if (refused.isPresent()) {
                    LOG.info("syscall probes: FENTRY hooks unavailable here: {} (remembered for this kernel, boot and"
                            + " capabilities in {}); trying the next", refused.get(), FentryRefusal.file().orElse(null));
                    continue;
                }
            }
            if (candidate == HookVariant.SOCKET && options.ownership() == null) {
                LOG.info("syscall probes: SOCKET hooks not tried: no socket ownership was opened; trying the next");
                continue;
            }
            try (LibBpfLog.AutoCloseableNoThrow quiet = LibBpfLog.demoteWarnings()) {
                // a refusal is reported below in one line; libbpf's own lines about it go to DEBUG
                Attached attached = attachOne(candidate, options);
                LOG.info("syscall probes: using {} hooks (auto)", candidate);
                return attached;
            } catch (LibBpfException e) {
                LOG.info("syscall probes: {} hooks unavailable here: {}; trying the next",
                        candidate, firstLine(e.getMessage()));
                LOG.debug("syscall probes: {} failure in full", candidate, e);
                if (candidate == HookVariant.FENTRY) {
                    FentryRefusal.remember(e, firstLine(e.getMessage()));
                }
                failures.add(e);
            }
        }
        IllegalStateException none = new IllegalStateException("no syscall hook variant loads and attaches here: "
                + failures.stream().map(Throwable::getMessage).map(VariantAttacher::firstLine).toList());
        failures.forEach(none::addSuppressed);
        throw none;
    }

    /** The first line of a message (a verifier log follows a failed load's first line, after "; libbpf said:"). */
    private static String firstLine(String message) {
        String first = message.lines().findFirst().orElse(message);
        return first.endsWith("; libbpf said:") ? first.substring(0, first.length() - "; libbpf said:".length()) : first;
    }

    /**
     * Opens, loads and attaches every program of one variant; on any failure nothing stays behind.
     * A kprobe or tracepoint attach refused for lack of permission says why (perf_event_paranoid).
     */
    static Attached attachOne(HookVariant variant, SyscallProbeOptions options) {
        try {
            return loadAndAttach(variant, options);
        } catch (LibBpfException e) {
            throw PerfEventAccess.explain(variant, e, PerfEventAccess.PARANOID);
        }
    }

    private static Attached loadAndAttach(HookVariant variant, SyscallProbeOptions options) {
        BpfObject object = ProbeObjects.openVariant(variant, options);
        try {
            object.load();
            if (variant == HookVariant.KPROBE || variant == HookVariant.TRACEPOINT) {
                BpfFs.ensureTracefs(); // libbpf finds tracepoint ids (and legacy kprobes) through tracefs
            }
            for (BpfProgram program : object.programs()) {
                program.attach();
            }
            return new Attached(variant, object);
        } catch (RuntimeException e) {
            object.close(); // destroys the links attached so far, then the maps and programs
            throw e;
        }
    }

    /** Opens and loads (verifies) a variant without attaching it; the caller closes the object. */
    static BpfObject loadOnly(HookVariant variant, SyscallProbeOptions options) {
        BpfObject object = ProbeObjects.openVariant(variant, options);
        try {
            object.load();
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }
}
