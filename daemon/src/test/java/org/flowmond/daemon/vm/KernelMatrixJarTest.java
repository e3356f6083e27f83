package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.VmTest;
import org.junit.jupiter.api.Test;

/**
 * The daemon's end-to-end scenario on Debian's own kernels, under qemu (packaging/vm/README.md):
 * on each kernel, flowmond with {@code probes.syscall-hook} forced to each variant, real traffic
 * between network namespaces in the guest, nfcapd receiving the export there, and the checks of
 * {@link ScenarioCheck} on the host. Prints and writes (target/vm/kernel-matrix.md) the table
 * kernel x variant -> attached / TC attach path (tc before 6.6, tcx from 6.6) / events seen / flows correct /
 * owners kept (UDP, idle then resumed, opened before start-up: {@link OwnerCheck}).
 *
 * <p>Opt-in, because it takes minutes (skipped without the property, failed with CI=true): {@code -Dflowmond.vm.kernels=6.1,6.12} (and optionally
 * {@code -Dflowmond.vm.variants=kprobe,fentry,socket,raw_tracepoint,auto}). A *JarTest: it runs the shaded jar, in the
 * package phase.
 */
@VmTest
class KernelMatrixJarTest {
    /** Per kernel: boot, and per variant a JVM start (slow under TCG) plus about 12 s of traffic. */
    private static final int GUEST_TIMEOUT_SECONDS = 1200;

    /**
     * Variants that cannot load on older kernels, with the oldest kernel they need: raw_tracepoint
     * keeps the connecting socket in task storage (BPF_MAP_TYPE_TASK_STORAGE, Linux 5.11), so Debian
     * 11's 5.10 refuses its object (packaging/vm/guest/attach-matrix.sh proves that refusal); socket
     * reads handshake ends from the raw tracepoint inet_sock_set_state over the cgroup hooks' owners,
     * which need 5.9 (cgroup/sock_release).
     */
    private static final java.util.Map<String, String> MIN_KERNEL = java.util.Map.of("raw_tracepoint", "5.11",
            "socket", "5.9");

    /** Whether VARIANT can run on KERNEL (an alias such as 5.10 or 6.12, or an ABI name such as 6.1.0-56). */
    static boolean supported(String variant, String kernel) {
        String min = MIN_KERNEL.get(variant);
        return min == null || compareVersions(kernel, min) >= 0;
    }

    /** Compares the leading major.minor of two kernel versions. */
    static int compareVersions(String a, String b) {
        int[] x = majorMinor(a);
        int[] y = majorMinor(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] majorMinor(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            throw new IllegalArgumentException("not a kernel version: " + version);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    static Path repo() {
        return Path.of("").toAbsolutePath().getParent();
    }

    static List<String> property(String name, String fallback) {
        return Arrays.stream(System.getProperty(name, fallback).split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void everyVariantOnEveryKernel() throws IOException, InterruptedException {
        Privileges.requireSystemProperty("flowmond.vm.kernels", "6.1,6.12");
        Privileges.requireRoot();
        Privileges.requireTool("qemu-system-x86_64");
        Privileges.requireTool("tshark");
        Privileges.requireTool("nfdump");
        Path jar = repo().resolve("daemon/target/flowmond.jar");
        assertTrue(Files.isReadable(jar), jar + " missing: run in the package phase");
        List<String> variants = property("flowmond.vm.variants", "kprobe,fentry,socket,raw_tracepoint,auto");

        List<ScenarioCheck.Row> rows = new ArrayList<>();
        StringBuilder timings = new StringBuilder();
        for (String kernel : property("flowmond.vm.kernels", "")) {
            Path out = repo().resolve("daemon/target/vm/e2e-" + kernel);
            List<String> runnable = variants.stream().filter(v -> supported(v, kernel)).toList();
            // In the guest: e2e-matrix.sh JAR $FLOWMOND_VM_OUT VARIANT... (the variable is the guest's).
            List<String> command = List.of("bash", "-c", "exec \"$0\" \"$1\" \"$FLOWMOND_VM_OUT\" "
                    + String.join(" ", runnable), repo().resolve("packaging/vm/guest/e2e-matrix.sh").toString(), jar.toString());
            GuestRun run = GuestRun.run(repo(), out, kernel, false, GUEST_TIMEOUT_SECONDS, command);
            String kernelName = kernelName(run);
            timings.append("\n").append(kernel).append(" (").append(kernelName).append("): ").append(run.seconds())
                    .append(" s, harness exit ").append(run.exitStatus());
            if (!run.commandFinished()) {
                rows.add(new ScenarioCheck.Row(kernelName, "all", "-", "-", "-", "-", "-", "-",
                        List.of("guest hung, died or was stopped (harness status " + run.exitStatus() + "):\n" + run.tail(60))));
                continue;
            }
            for (String variant : variants) {
                rows.add(runnable.contains(variant) ? ScenarioCheck.check(out.resolve(variant), kernelName, variant)
                        : new ScenarioCheck.Row(kernelName, variant, "n/a (needs " + MIN_KERNEL.get(variant) + ")",
                                "-", "-", "-", "-", "-", List.of()));
            }
        }
        rows = autoPicksFentryWhereItWorks(rows);
        String table = report(rows, timings.toString());
        System.out.println(table);
        Files.createDirectories(repo().resolve("daemon/target/vm"));
        Files.writeString(repo().resolve("daemon/target/vm/kernel-matrix.md"), table);
        List<String> failures = rows.stream().filter(r -> !r.ok())
                .map(r -> r.kernel() + " " + r.variant() + ":\n  " + String.join("\n  ", r.problems())).toList();
        assertEquals(List.of(), failures, table);
    }

    /** auto must choose the cheapest variant that works: fentry, wherever the forced fentry cell passed. */
    private static List<ScenarioCheck.Row> autoPicksFentryWhereItWorks(List<ScenarioCheck.Row> rows) {
        List<ScenarioCheck.Row> checked = new ArrayList<>();
        for (ScenarioCheck.Row r : rows) {
            boolean fentryWorks = rows.stream().anyMatch(f -> f.kernel().equals(r.kernel()) && f.variant().equals("fentry") && f.ok());
            if (r.variant().equals("auto") && fentryWorks && !r.attachedAs().equals("fentry")) {
                List<String> problems = new ArrayList<>(r.problems());
                problems.add("auto attached as " + r.attachedAs() + " although fentry works on this kernel");
                checked.add(new ScenarioCheck.Row(r.kernel(), r.variant(), r.attachedAs(), r.tcAttach(), r.events(), r.flows(),
                        r.owners(), r.mtbs(), problems));
            } else {
                checked.add(r);
            }
        }
        return checked;
    }

    /** uname -r of the guest, from the harness's last line ("run-guest: linux-image-...@version: ..."). */
    private static String kernelName(GuestRun run) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run-guest: linux-image-(\\S+?)@").matcher(run.log());
        return m.find() ? m.group(1) : run.kernel();
    }

    private static String report(List<ScenarioCheck.Row> rows, String timings) {
        StringBuilder b = new StringBuilder("| kernel | syscall-hook | attached as | TC attach | connect/accept events (seed tables) "
                + "| flows (tshark counts, PID+name, nfdump) | owners (UDP, idle, existing before start) | MTBS | verdict |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r.markdown()).append("\n"));
        b.append("\nguest times:").append(timings).append("\n");
        rows.stream().filter(r -> !r.ok()).forEach(r -> b.append("\n").append(r.kernel()).append(" ").append(r.variant())
                .append(":\n  ").append(String.join("\n  ", r.problems())));
        return b.toString();
    }
}
