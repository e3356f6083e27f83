package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The guests of {@link KernelMatrixJarTest}: which variants run in which guest ({@link #plan}), and
 * running them, several at once (packaging/vm/README.md, "How the daemon matrix runs").
 */
final class MatrixGuests {
    private MatrixGuests() {
    }

    /**
     * Guests at once (property {@code flowmond.vm.parallel}): one per host core by default. A guest's single
     * TCG thread keeps one core busy (measured 0.96-0.99 of a core), so more would only take turns on them,
     * and a guest descheduled by the host stretches the guest-time windows the checks bound (the hook
     * against the capture in {@link HealthCheck}, the idle pause in {@link OwnerCheck}).
     */
    static int parallelGuests() {
        return Math.max(1, Integer.getInteger("flowmond.vm.parallel", Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Guests per kernel (property {@code flowmond.vm.guests-per-kernel}): its variants dealt round-robin
     * over this many guests, so that the pool stays busy to the end instead of waiting for the last
     * kernel's single guest. By default 2 when guests run in parallel (a boot costs about 10 s), else 1.
     * Each guest still runs several variants one after another, so the later ones start with the
     * minimal BTF the first one made, as the first run after installing does.
     */
    static int guestsPerKernel(int parallel) {
        return Math.max(1, Integer.getInteger("flowmond.vm.guests-per-kernel", parallel > 1 ? 2 : 1));
    }

    /** One guest of the matrix: KERNEL booted once, VARIANTS run in it in this order, artifacts in OUT/VARIANT. */
    record Guest(String kernel, List<String> variants, Path out) {
    }

    /** Each kernel's runnable variants dealt round-robin over PER_KERNEL guests (no empty guest). */
    static List<Guest> plan(List<String> kernels, List<String> variants, int perKernel, Path vmDir) {
        List<Guest> guests = new ArrayList<>();
        for (String kernel : kernels) {
            List<String> runnable = variants.stream().filter(v -> KernelMatrixJarTest.supported(v, kernel)).toList();
            int n = Math.min(perKernel, runnable.size());
            for (int g = 0; g < n; g++) {
                List<String> dealt = new ArrayList<>();
                for (int i = g; i < runnable.size(); i += n) {
                    dealt.add(runnable.get(i));
                }
                guests.add(new Guest(kernel, dealt, vmDir.resolve("e2e-" + kernel).resolve("guest" + (g + 1))));
            }
        }
        return guests;
    }

    /**
     * The packaged launcher's class-data archive of JAR (packaging/flowmond, as the .deb's postinst makes it),
     * dumped once here into DIR: the guests see DIR through their 9p root and start flowmond with it, which
     * spares each start under TCG loading and verifying those classes. Gives DIR.
     */
    static Path classDataArchive(Path jar, Path dir) throws IOException, InterruptedException {
        GuestRun.deleteRecursively(dir);
        Files.createDirectories(dir);
        ProcessBuilder b = new ProcessBuilder(KernelMatrixJarTest.repo().resolve("packaging/flowmond").toString(), "--version")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dump.log").toFile());
        b.environment().put("FLOWMOND_JAR", jar.toString());
        b.environment().put("FLOWMOND_CDS_DIR", dir.toString());
        int status = b.start().waitFor();
        assertEquals(0, status, "packaging/flowmond --version: " + Files.readString(dir.resolve("dump.log")));
        return dir;
    }

    /** Runs every guest, PARALLEL at once, the guests with the most variants first. */
    static Map<Guest, GuestRun> runAll(List<Guest> guests, int parallel, Path jar, Path cds, int timeoutSeconds)
            throws Exception {
        List<Guest> longestFirst = new ArrayList<>(guests);
        longestFirst.sort(Comparator.comparingInt((Guest g) -> g.variants().size()).reversed());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            Map<Guest, Future<GuestRun>> futures = new LinkedHashMap<>();
            for (Guest g : longestFirst) {
                futures.put(g, pool.submit(() -> boot(g, parallel, jar, cds, timeoutSeconds)));
            }
            Map<Guest, GuestRun> runs = new HashMap<>();
            for (Map.Entry<Guest, Future<GuestRun>> e : futures.entrySet()) {
                try {
                    runs.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    throw new IOException("guest " + e.getKey() + " could not run", ex.getCause());
                }
            }
            return runs;
        } finally {
            pool.shutdownNow();   // only after a failure is a guest still running: interrupted, GuestRun stops it
        }
    }

    private static GuestRun boot(Guest g, int parallel, Path jar, Path cds, int timeoutSeconds)
            throws IOException, InterruptedException {
        // In the guest: FLOWMOND_CDS_DIR=CDS e2e-matrix.sh JAR $FLOWMOND_VM_OUT VARIANT... (the variable is the guest's).
        Path repo = KernelMatrixJarTest.repo();
        List<String> command = List.of("bash", "-c", "FLOWMOND_CDS_DIR=\"$2\" exec \"$0\" \"$1\" \"$FLOWMOND_VM_OUT\" "
                + String.join(" ", g.variants()), repo.resolve("packaging/vm/guest/e2e-matrix.sh").toString(), jar.toString(),
                cds.toString());
        return GuestRun.run(repo, g.out(), g.kernel(), false, timeoutSeconds, parallel, command);
    }
}
