package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * {@code -Dflowmond.vm.variants=kprobe,fentry,socket,raw_tracepoint,auto}). Guests run concurrently:
 * {@code -Dflowmond.vm.parallel=N} at once (default: one per core), each kernel's variants split over
 * {@code -Dflowmond.vm.guests-per-kernel=M} guests (default 2, 1 when N is 1). A *JarTest: it runs the shaded
 * jar, in the package phase.
 */
@VmTest
class KernelMatrixJarTest {
    /** Per guest: boot, and per variant a JVM start (slow under TCG) plus about 12 s of traffic. */
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
    void everyVariantOnEveryKernel() throws Exception {
        Privileges.requireSystemProperty("flowmond.vm.kernels", "6.1,6.12");
        Privileges.requireRoot();
        Privileges.requireTool("qemu-system-x86_64");
        Privileges.requireTool("tshark");
        Privileges.requireTool("nfdump");
        Path jar = repo().resolve("daemon/target/flowmond.jar");
        assertTrue(Files.isReadable(jar), jar + " missing: run in the package phase");
        List<String> kernels = property("flowmond.vm.kernels", "");
        List<String> variants = property("flowmond.vm.variants", "kprobe,fentry,socket,raw_tracepoint,auto");
        Path vmDir = repo().resolve("daemon/target/vm");
        for (String kernel : kernels) {
            GuestRun.deleteRecursively(vmDir.resolve("e2e-" + kernel));   // never judge what an earlier run left
        }
        int parallel = MatrixGuests.parallelGuests();
        List<MatrixGuests.Guest> guests = MatrixGuests.plan(kernels, variants, MatrixGuests.guestsPerKernel(parallel), vmDir);

        long start = System.nanoTime();
        Path cds = MatrixGuests.classDataArchive(jar, vmDir.resolve("cds"));
        Map<MatrixGuests.Guest, GuestRun> runs = MatrixGuests.runAll(guests, parallel, jar, cds, GUEST_TIMEOUT_SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        List<ScenarioCheck.Row> rows = new ArrayList<>();
        StringBuilder timings = new StringBuilder();
        for (String kernel : kernels) {
            for (String variant : variants) {
                rows.add(cell(kernel, variant, guests, runs));
            }
        }
        for (MatrixGuests.Guest g : guests) {
            GuestRun run = runs.get(g);
            timings.append("\n").append(g.kernel()).append(" ").append(g.variants()).append(" (").append(kernelName(run))
                    .append("): ").append(run.seconds()).append(" s, harness exit ").append(run.exitStatus());
        }
        timings.append("\nall ").append(guests.size()).append(" guests, ").append(parallel).append(" at once: ")
                .append(seconds).append(" s");
        rows = autoPicksFentryWhereItWorks(rows);
        String table = report(rows, timings.toString());
        System.out.println(table);
        Files.createDirectories(vmDir);
        Files.writeString(vmDir.resolve("kernel-matrix.md"), table);
        List<String> failures = rows.stream().filter(r -> !r.ok())
                .map(r -> r.kernel() + " " + r.variant() + ":\n  " + String.join("\n  ", r.problems())).toList();
        assertEquals(List.of(), failures, table);
    }

    /** The row of KERNEL x VARIANT: n/a where the kernel cannot run it, else checked in the guest that ran it. */
    private static ScenarioCheck.Row cell(String kernel, String variant, List<MatrixGuests.Guest> guests,
            Map<MatrixGuests.Guest, GuestRun> runs) {
        MatrixGuests.Guest g = guests.stream().filter(x -> x.kernel().equals(kernel) && x.variants().contains(variant)).findFirst()
                .orElse(null);
        String kernelName = guests.stream().filter(x -> x.kernel().equals(kernel)).findFirst()
                .map(x -> kernelName(runs.get(x))).orElse(kernel);
        if (g == null) {
            return new ScenarioCheck.Row(kernelName, variant, "n/a (needs " + MIN_KERNEL.get(variant) + ")",
                    "-", "-", "-", "-", "-", List.of());
        }
        GuestRun run = runs.get(g);
        if (!run.commandFinished()) {
            return new ScenarioCheck.Row(kernelName, variant, "-", "-", "-", "-", "-", "-",
                    List.of("guest " + g.variants() + " hung, died or was stopped (harness status " + run.exitStatus()
                            + "):\n" + run.tail(60)));
        }
        return ScenarioCheck.check(g.out().resolve(variant), kernelName, variant);
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
