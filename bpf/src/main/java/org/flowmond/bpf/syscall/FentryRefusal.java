package org.flowmond.bpf.syscall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.bpf.libbpf.MinCoreBtf;

/**
 * That this kernel refused the fentry variant's load, remembered in the minimal BTF's cache directory
 * ({@link MinCoreBtf#configuredDirectory}), so that AUTO does not open, relocate (one parse of vmlinux
 * BTF) and load it again at every start. One file, {@value #FILE}: the key it holds and the refusal's
 * first line. The key is the cache's kernel key plus this boot and the process's effective
 * capabilities, the two other things that decide an EPERM (lockdown is set at boot; fentry needs
 * CAP_BPF and CAP_PERFMON): another kernel, a reboot or other capabilities try fentry again. Only a
 * load refused with EPERM or ENOTSUPP (no trampolines) is remembered, never a transient failure.
 */
final class FentryRefusal {
    static final String FILE = "fentry-refused";
    /** The kernel's "operation not supported" (not ENOTSUP): fentry without trampolines on this architecture. */
    static final int ENOTSUPP = 524;
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";

    private FentryRefusal() {
    }

    /** The refusal remembered for this kernel, boot and capabilities: its first line; empty if none. */
    static Optional<String> remembered() {
        return MinCoreBtf.configuredDirectory().flatMap(FentryRefusal::rememberedIn);
    }

    /** Where the refusal is remembered: {@value #FILE} in the cache directory, if one is configured. */
    static Optional<Path> file() {
        return MinCoreBtf.configuredDirectory().map(dir -> dir.resolve(FILE));
    }

    static Optional<String> rememberedIn(Path dir) {
        try {
            String[] lines = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8).split("\n", 2);
            return lines.length == 2 && lines[0].equals(key()) ? Optional.of(lines[1].strip()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: fentry is tried, as without the file
        }
    }

    /** Whether {@code e} is a refusal worth remembering: the object's load, EPERM or ENOTSUPP. */
    static boolean isRefusal(LibBpfException e) {
        return "bpf_object__load".equals(e.call()) && (e.errno() == Errno.EPERM || e.errno() == ENOTSUPP);
    }

    /** Remembers {@code e} if it is a refusal and a cache directory is configured; returns the file written, if any. */
    static Optional<Path> remember(LibBpfException e, String firstLine) {
        if (!isRefusal(e)) {
            return Optional.empty();
        }
        return MinCoreBtf.configuredDirectory().flatMap(dir -> rememberIn(dir, firstLine));
    }

    static Optional<Path> rememberIn(Path dir, String firstLine) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE);
            Path tmp = Files.createTempFile(dir, ".fentry-refused", ".tmp");
            try {
                Files.writeString(tmp, key() + "\n" + firstLine + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not remembered: the next start tries fentry again, nothing else changes
        }
    }

    /** The kernel key of the cache, this boot's id and the effective capabilities. */
    static String key() throws IOException {
        return MinCoreBtf.kernelKey() + " boot " + Files.readString(Path.of(BOOT_ID)).strip() + " caps " + capEff();
    }

    private static String capEff() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapEff:"))
                .map(l -> l.substring("CapEff:".length()).strip()).findFirst().orElse("?");
    }
}
