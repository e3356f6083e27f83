package org.flowmond.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jnr.ffi.LibraryLoader;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.BpfFs;
import org.flowmond.daemon.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before anything is loaded, what the kernel and the process must provide, so that a
 * missing piece is one clear line rather than a libbpf error deep in start-up: BTF (CO-RE),
 * libbpf.so.1, the capabilities, and tracefs (mounted here if absent and we may).
 */
final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
    private static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    /**
     * Where cgroup2 is mounted when no one did: the socket-ownership hooks attach at its root (every
     * process). A unified or hybrid host has one; {@code ip netns exec} gives its command a fresh /sys
     * without it.
     */
    private static final Path CGROUP2 = Path.of("/sys/fs/cgroup");

    /** jnr-ffi needs an interface to load a library; loading it is the whole check. */
    public interface AnyLibrary {
    }

    private Preflight() {
    }

    static void check(Settings settings) throws StartupError {
        if (!Files.isReadable(VMLINUX_BTF)) {
            throw new StartupError(StartupError.UNAVAILABLE, "the kernel has no BTF (" + VMLINUX_BTF
                    + " is missing); flowmond's BPF programs need a kernel built with CONFIG_DEBUG_INFO_BTF=y");
        }
        checkLibbpf();
        Capabilities capabilities = capabilities();
        List<String> missing = capabilities.missingForBpf();
        if (!missing.isEmpty()) {
            throw new StartupError(StartupError.NO_PERMISSION, "missing capabilities " + String.join(", ", missing)
                    + " to load BPF programs and attach TC hooks: run as root, or through packaging/flowmond.service");
        }
        mountFileSystems(settings, capabilities);
    }

    private static void checkLibbpf() throws StartupError {
        try {
            LibraryLoader.create(AnyLibrary.class).failImmediately().load("libbpf.so.1");
        } catch (LinkageError | RuntimeException e) {
            throw new StartupError(StartupError.UNAVAILABLE,
                    "cannot load libbpf.so.1: install the libbpf1 package (" + e.getMessage().replace('\n', ' ') + ")");
        }
    }

    private static Capabilities capabilities() throws StartupError {
        try {
            return Capabilities.ofThisProcess();
        } catch (IOException | RuntimeException e) {
            throw new StartupError(StartupError.UNAVAILABLE, "cannot read this process's capabilities from /proc: " + e.getMessage());
        }
    }

    /**
     * tracefs holds the tracepoint ids libbpf attaches by (and kprobe_events on old kernels);
     * bpffs is where bpftool and pinned objects live. systemd mounts both at boot; minimal
     * systems and containers may not.
     */
    private static void mountFileSystems(Settings settings, Capabilities capabilities) throws StartupError {
        HookVariant hook = settings.probes().syscallHook();
        boolean needsTracefs = hook == HookVariant.AUTO || hook == HookVariant.TRACEPOINT || hook == HookVariant.KPROBE;
        if (needsTracefs && !BpfFs.isMounted("tracefs", BpfFs.TRACEFS)) {
            if (!capabilities.has(Capabilities.CAP_SYS_ADMIN)) {
                throw new StartupError(StartupError.NO_PERMISSION, "tracefs is not mounted at " + BpfFs.TRACEFS
                        + " and mounting it needs CAP_SYS_ADMIN: run `mount -t tracefs tracefs " + BpfFs.TRACEFS + "` once");
            }
            mount("tracefs", () -> BpfFs.ensureTracefs(), true);
        }
        if (!BpfFs.isMounted("bpf", BpfFs.BPF) && capabilities.has(Capabilities.CAP_SYS_ADMIN)) {
            mount("bpffs", () -> BpfFs.ensureBpfFs(), false);
        }
        if (!cgroup2Mounted()) {
            if (!capabilities.has(Capabilities.CAP_SYS_ADMIN)) {
                throw new StartupError(StartupError.NO_PERMISSION, "no cgroup2 file system is mounted and mounting one"
                        + " needs CAP_SYS_ADMIN: run `mount -t cgroup2 none " + CGROUP2 + "` once");
            }
            mount("cgroup2 at " + CGROUP2, () -> BpfFs.ensureMounted("cgroup2", CGROUP2), true);
        }
    }

    private static boolean cgroup2Mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(l -> l.split(" ").length > 2 && l.split(" ")[2].equals("cgroup2"));
        } catch (IOException e) {
            return false; // then mounting tells what is wrong
        }
    }

    private interface Mount {
        boolean run();
    }

    private static void mount(String what, Mount mount, boolean required) throws StartupError {
        try {
            if (mount.run()) {
                LOG.info("mounted {} (it was not mounted)", what);
            }
        } catch (RuntimeException e) {
            if (required) {
                throw new StartupError(StartupError.UNAVAILABLE, "cannot mount " + what + ": " + e.getMessage());
            }
            LOG.warn("cannot mount {} (not needed to run, only for bpftool and pinning): {}", what, e.getMessage());
        }
    }
}
