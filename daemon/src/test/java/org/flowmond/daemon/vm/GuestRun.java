package org.flowmond.daemon.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One call of {@code packaging/vm/run-guest.sh}: boots a Debian kernel under qemu, runs a command
 * in it, and gives back its exit status, the harness's output (with the guest console log when
 * the guest hung or died) and what the command left in {@code $FLOWMOND_VM_OUT}.
 */
record GuestRun(String kernel, int exitStatus, String log, Path out, long seconds) {

    /** Kills the harness if it outlives its own guest timeout by this much (it never should). */
    private static final int GRACE_SECONDS = 120;

    static GuestRun run(Path repo, Path out, String kernel, boolean systemd, int timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        return run(repo, out, kernel, systemd, timeoutSeconds, 0, command);
    }

    /**
     * As {@link #run(Path, Path, String, boolean, int, List)}, with GUESTS_AT_ONCE guest slots on this
     * machine for run-guest.sh ({@code FLOWMOND_VM_GUESTS}; 0 leaves the environment's, default 1):
     * callers that run guests concurrently pass their pool's size, so their guests do not queue
     * behind each other.
     */
    static GuestRun run(Path repo, Path out, String kernel, boolean systemd, int timeoutSeconds, int guestsAtOnce,
            List<String> command) throws IOException, InterruptedException {
        deleteRecursively(out);   // never judge what an earlier run left
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("packaging/vm/run-guest.sh").toString(),
                "--timeout", Integer.toString(timeoutSeconds), "--out", out.toString()));
        if (systemd) {
            cmd.add("--systemd");
        }
        cmd.add(kernel);
        cmd.add("--");
        cmd.addAll(command);
        Path log = out.resolve("run-guest.log");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (guestsAtOnce > 0) {
            builder.environment().put("FLOWMOND_VM_GUESTS", Integer.toString(guestsAtOnce));
        }
        long start = System.nanoTime();
        Process p = builder.start();
        // The harness waits for a free guest slot first (other engineers' guests), so
        // allow for one more guest's worth of waiting on top of our own timeout.
        boolean ended;
        try {
            ended = p.waitFor(2L * timeoutSeconds + GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            stop(p);   // a pool of guests gave up: leave no guest behind
            throw e;
        }
        if (!ended) {
            stop(p);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        int status = p.isAlive() ? -1 : p.exitValue();
        return new GuestRun(kernel, status, Files.readString(log, StandardCharsets.UTF_8), out, seconds);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();   // run-guest.sh's trap stops its qemu
        p.waitFor(30, TimeUnit.SECONDS);
        p.destroyForcibly();
    }

    /** Removes DIR and everything under it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The guest ran the command to its end: status 0 or the command's failure 1 (run-guest.sh uses 2 and up). */
    boolean commandFinished() {
        return exitStatus == 0 || exitStatus == 1;
    }

    /** The last lines of the log, for failure messages. */
    String tail(int lines) {
        String[] all = log.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
