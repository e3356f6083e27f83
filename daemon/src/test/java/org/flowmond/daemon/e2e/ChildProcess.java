package org.flowmond.daemon.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java child process (the daemon, or a {@link TrafficPeer}) run inside a network namespace
 * with {@code ip netns exec}, which execs in place: the PID we get is the Java process's PID.
 * Output goes to a file that the test can wait on.
 */
public final class ChildProcess implements AutoCloseable {
    public final Process process;
    public final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The test class path (surefire passes the real one in a property; the JVM's may be a manifest jar). */
    static String classPath() {
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
        for (int i = 0; i < 600; i++) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + output());
            }
            TimeUnit.MILLISECONDS.sleep(100); // waiting for a child, not a timed assertion
        }
        throw new IllegalStateException("no '" + text + "' within 60 s:\n" + output());
    }

    /** Waits for exit and returns the status; fails with the output after 60 s. */
    public int awaitExit() throws IOException, InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("did not exit within 60 s:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit status. */
    public int terminate() throws IOException, InterruptedException {
        process.destroy();
        return awaitExit();
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
