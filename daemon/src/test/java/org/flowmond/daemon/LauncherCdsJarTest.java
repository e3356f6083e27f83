package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/flowmond's start-up class archive (AppCDS), with the jar just packaged: a daemon run
 * records it as it exits, the next start checks it and puts it in place, and the JVM then loads
 * flowmond's classes from it; print-and-exit runs never record; a changed jar, a broken recording
 * and an archive the JVM refuses all end in a normal start without it (and nothing on stdout).
 * The daemon runs in a network namespace of its own, attached to that namespace's lo.
 */
class LauncherCdsJarTest {

    private static final Path LAUNCHER = Path.of("..", "packaging", "flowmond").toAbsolutePath().normalize();
    private static final String FLOWMOND_CLASS_FROM_ARCHIVE = "org.flowmond.daemon.Flowmond source: shared objects file (top)";

    @TempDir
    Path dir;
    Path cds;
    Path jar;
    String namespace;

    @BeforeEach
    void copyJar() throws Exception {
        cds = Files.createDirectories(dir.resolve("cds"));
        jar = dir.resolve("flowmond.jar");
        Files.copy(JarProcess.JAR, jar, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @AfterEach
    void deleteNamespace() {
        if (namespace != null) {
            Tools.runUnchecked(List.of("ip", "netns", "del", namespace));
        }
    }

    @Test
    void aDaemonRunRecordsTheArchiveAndTheNextStartUsesIt() throws Exception {
        runDaemonUntilAttached();
        List<String> names = cdsFiles();
        assertEquals(3, names.size(), names.toString());
        assertTrue(names.get(0).matches("flowmond\\.jsa\\.new\\.\\d+"), names.toString());
        assertEquals(List.of(names.get(0) + ".stamp", names.get(0) + ".started"), names.subList(1, 3));

        Tools.Result promoting = launcher(List.of(), "--version");
        assertEquals(0, promoting.exitCode(), promoting.stderr());
        assertEquals(List.of("flowmond.jsa", "flowmond.jsa.stamp"), cdsFiles());
        String stamp = Files.readString(cds.resolve("flowmond.jsa.stamp"));
        assertTrue(stamp.startsWith("jar " + jar + " " + Files.size(jar) + " "), stamp);

        Tools.Result using = launcher(List.of("FLOWMOND_JAVA_OPTS=-Xlog:class+load"), "--version");
        assertEquals(0, using.exitCode(), using.stderr());
        assertTrue(using.stdout().contains(FLOWMOND_CLASS_FROM_ARCHIVE), "Flowmond not loaded from the archive");
        assertEquals(List.of("flowmond.jsa", "flowmond.jsa.stamp"), cdsFiles());
    }

    @Test
    void printAndExitRunsNeverRecord() {
        for (String option : List.of("--version", "--help", "--check-config")) {
            Tools.Result result = launcher(List.of(), option);
            assertEquals(0, result.exitCode(), option + ": " + result.stderr());
            assertEquals(List.of(), cdsFiles(), option);
        }
    }

    @Test
    void anArchiveForAnotherJarIsDeletedAndTheStartGoesOn() throws Exception {
        Files.writeString(cds.resolve("flowmond.jsa"), "not an archive");
        Files.writeString(cds.resolve("flowmond.jsa.stamp"), "jar " + jar + " 1 1\njvm /usr/bin/java 1 1\n");
        Tools.Result result = launcher(List.of(), "--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("flowmond " + Version.get() + "\n", result.stdout());
        assertEquals(List.of(), cdsFiles());
    }

    @Test
    void aTruncatedRecordingIsDiscardedWithoutCrashingAnything() throws Exception {
        runDaemonUntilAttached();
        Path recorded;
        try (Stream<Path> files = Files.list(cds)) {
            recorded = files.filter(p -> p.getFileName().toString().matches("flowmond\\.jsa\\.new\\.\\d+")).findFirst().orElseThrow();
        }
        byte[] head = Files.readAllBytes(recorded);
        Files.delete(recorded); // the JVM writes it read-only
        Files.write(recorded, java.util.Arrays.copyOf(head, 200_000));

        Tools.Result result = launcher(List.of(), "--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("flowmond " + Version.get() + "\n", result.stdout());
        assertEquals(List.of("flowmond.jsa.failed"), cdsFiles());
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("hs_err")), "a JVM crash report was left");
        }
    }

    @Test
    void aStartThatFailsRecordsNothingKept() {
        Privileges.requireRoot();
        Tools.Result failed = launcher(List.of(), "-i", "fmcds-none", "--collector", "127.0.0.1:9");
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertTrue(cdsFiles().stream().anyMatch(f -> f.endsWith(".stamp")), "the failed start did not record: " + cdsFiles());
        assertEquals(0, launcher(List.of(), "--version").exitCode());
        assertEquals(List.of(), cdsFiles(), "a recording of a start that failed was kept, or counted as a failed recording");
    }

    @Test
    void afterTwoRecordingsLeftNothingUsableThereAreNoMore() throws Exception {
        Privileges.requireRoot();
        String stamp = stampOfThisJarAndJvm();
        for (int attempt = 1; attempt <= 2; attempt++) {
            // a started daemon whose JVM was killed before it wrote the archive (pid 4194303: not running)
            Files.writeString(cds.resolve("flowmond.jsa.new.4194303.stamp"), stamp);
            Files.writeString(cds.resolve("flowmond.jsa.new.4194303.started"), "");
            assertEquals(0, launcher(List.of(), "--version").exitCode());
            assertEquals(List.of("flowmond.jsa.failed"), cdsFiles());
            assertEquals(stamp + "failed\n".repeat(attempt), Files.readString(cds.resolve("flowmond.jsa.failed")));
        }
        Tools.Result failed = launcher(List.of(), "-i", "fmcds-none", "--collector", "127.0.0.1:9");
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertEquals(List.of("flowmond.jsa.failed"), cdsFiles(), "recorded a third time");
    }

    /** What the launcher writes as the stamp, for this test's jar and this JVM. */
    private String stampOfThisJarAndJvm() throws Exception {
        Path javaReal = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        Path libjvm = javaReal.getParent().resolve("../lib/server/libjvm.so");
        return "jar " + jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() / 1000 + "\n"
                + "jvm " + javaReal + " " + Files.size(libjvm) + " " + Files.getLastModifiedTime(libjvm).toMillis() / 1000 + "\n";
    }

    @Test
    void anArchiveOnlyTheJvmFindsStaleIsOnlyAWarningOnStderr() throws Exception {
        runDaemonUntilAttached();
        assertEquals(0, launcher(List.of(), "--version").exitCode());
        assertEquals(List.of("flowmond.jsa", "flowmond.jsa.stamp"), cdsFiles());
        // The jar changes and the stamp is made to match it, so only the JVM's own check is left.
        long seconds = Files.getLastModifiedTime(jar).toMillis() / 1000 + 10;
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(seconds * 1000));
        Path stamp = cds.resolve("flowmond.jsa.stamp");
        Files.writeString(stamp, Files.readString(stamp).replaceFirst("(?m)^(jar \\S+ \\d+) \\d+$", "$1 " + seconds));
        Tools.Result result = launcher(List.of(), "--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("flowmond " + Version.get() + "\n", result.stdout());
        assertTrue(result.stderr().contains("[warning][cds"), result.stderr());
        assertEquals(List.of("flowmond.jsa", "flowmond.jsa.stamp"), cdsFiles(), "the launcher trusted its stamp");
    }

    @Test
    void noArchiveDirectoryMeansNoArchive() {
        Tools.Result result = Tools.runUnchecked(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                "FLOWMOND_JAR=" + jar, "FLOWMOND_CDS_DIR=" + dir.resolve("missing"), "sh", LAUNCHER.toString(), "--version"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stderr());
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    /** The launcher with FLOWMOND_JAR and FLOWMOND_CDS_DIR set to this test's, plus {@code env} (NAME=value). */
    private Tools.Result launcher(List<String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
        command.addAll(launcherCommand(env));
        command.addAll(List.of(args));
        return Tools.runUnchecked(command);
    }

    private List<String> launcherCommand(List<String> env) {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                "FLOWMOND_JAR=" + jar, "FLOWMOND_CDS_DIR=" + cds));
        command.addAll(env);
        command.addAll(List.of("sh", LAUNCHER.toString()));
        return command;
    }

    private List<String> cdsFiles() {
        try (Stream<Path> files = Files.list(cds)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts the daemon through the launcher in a namespace of its own, waits until attached, stops it (exit 0). */
    private void runDaemonUntilAttached() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        namespace = "fmcds" + ProcessHandle.current().pid();
        Tools.run("ip", "netns", "add", namespace);
        Tools.run("ip", "-n", namespace, "link", "set", "lo", "up");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(launcherCommand(List.of()));
        command.addAll(List.of("-i", "lo", "--collector", "127.0.0.1:9"));
        Path stderr = dir.resolve("daemon.err");
        Process daemon = new ProcessBuilder(command).redirectError(stderr.toFile())
                .redirectOutput(dir.resolve("daemon.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            for (int i = 0; i < 1200 && !Files.readString(stderr).contains("syscall probes attached"); i++) {
                assertTrue(daemon.isAlive(), "exited before attaching: " + Files.readString(stderr));
                Thread.sleep(50);
            }
            assertTrue(Files.readString(stderr).contains("syscall probes attached"), Files.readString(stderr));
            Tools.run("kill", "-TERM", Long.toString(daemon.pid()));
            assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
            assertEquals(0, daemon.exitValue(), Files.readString(stderr));
        } finally {
            daemon.destroyForcibly();
        }
    }
}
