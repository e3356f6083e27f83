package org.flowmond.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process for one test (a collector, the daemon, a Java peer), its output in a file the
 * test can wait on. Run inside a network namespace with {@code ip netns exec}, which execs in
 * place: the PID we get is the command's own. Always stopped by {@link #close()}, forcibly if it
 * does not stop by itself.
 */
public final class ChildProcess implements AutoCloseable {
    public final Process process;
    public final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The test class path (surefire passes the real one in a property; the JVM's may be a manifest jar). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp != null && !cp.isBlank()) {
            return cp;
        }
        cp = System.getProperty("java.class.path");
        if (!cp.contains(File.pathSeparator) && cp.contains("surefirebooter")) {
            return manifestClassPath(Path.of(cp));
        }
        return cp;
    }

    /** The Class-Path of surefire's manifest-only jar, as a plain class path. */
    private static String manifestClassPath(Path jar) {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            String entries = f.getManifest().getMainAttributes().getValue("Class-Path");
            List<String> paths = new ArrayList<>();
            for (String url : entries.trim().split("\\s+")) {
                paths.add(Path.of(java.net.URI.create(url)).toString());
            }
            return String.join(File.pathSeparator, paths);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static ChildProcess java(Path log, String netns, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath(), mainClass));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null")).start();
        return new ChildProcess(p, log);
    }

    /** Any command (a jar, a server), its output to {@code log}. */
    public static ChildProcess command(Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null")).start();
        return new ChildProcess(p, log);
    }

    /** Any started process whose output goes to {@code log} (a shell script, say). */
    public static ChildProcess of(Process p, Path log) {
        return new ChildProcess(p, log);
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the output contains {@code text}; fails with the output if the process dies or 60 s pass. */
    public void awaitOutput(String text) throws IOException, InterruptedException {
        awaitOutput(text, Duration.ofSeconds(60));
    }

    /** Waits until the output contains {@code text}; fails with the output if the process dies or the time passes. */
    public void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no '" + text + "' within " + timeout + ":\n" + output());
            }
            TimeUnit.MILLISECONDS.sleep(50); // waiting for a child, not a timed assertion
        }
    }

    /** Waits for exit and returns the status; fails with the output after 60 s. */
    public int awaitExit() throws IOException, InterruptedException {
        return awaitExit(Duration.ofSeconds(60));
    }

    /** Waits for exit and returns the status; fails with the output if it does not come in time. */
    public int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM (how nfcapd is asked to write its file), then the exit status. */
    public int terminate() throws IOException, InterruptedException {
        return terminate(Duration.ofSeconds(60));
    }

    public int terminate(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGINT (how tshark and nfacctd are asked to finish), then the exit status. */
    public int interrupt(Duration timeout) throws IOException, InterruptedException {
        Tools.runUnchecked(List.of("kill", "-INT", Long.toString(process.pid())));
        return awaitExit(timeout);
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
