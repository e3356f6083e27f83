package org.flowmond.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands from tests and reports their output on failure. */
public final class Tools {
    private Tools() {
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** Runs a command, waits up to 60 s, and returns its standard output; throws with stderr if it fails. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        Result r = runUnchecked(command);
        if (r.exitCode != 0) {
            throw new IllegalStateException("command failed (" + r.exitCode + "): " + String.join(" ", command)
                    + "\nstdout: " + r.stdout + "\nstderr: " + r.stderr);
        }
        return r.stdout;
    }

    /** Result of a command that may fail. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result runUnchecked(List<String> command) {
        try {
            Path out = Files.createTempFile("flowmond-cmd", ".out");
            Path err = Files.createTempFile("flowmond-cmd", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("command timed out: " + String.join(" ", command));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
