package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/flowmond's start-up class archive (AppCDS), with the jar just packaged: the first start
 * dumps it from packaging/flowmond.classlist, the next starts load flowmond's classes from it
 * without dumping again; a changed jar or JVM makes it again; a corrupt or truncated archive and a
 * failed dump all end in a normal start without it (nothing on stdout but flowmond's). The daemon
 * runs in a network namespace of its own, attached to that namespace's lo.
 */
@RootTest
class LauncherCdsJarTest {

    private static final Path LAUNCHER = Path.of("..", "packaging", "flowmond").toAbsolutePath().normalize();
    private static final String FLOWMOND_CLASS_FROM_ARCHIVE = "org.flowmond.daemon.Flowmond source: shared objects file";
    /** Of the classes a start loads from the jar and the JDK, the share the archive must hold. */
    private static final double LEAST_SHARE_FROM_ARCHIVE = 0.9;

    @TempDir
    Path dir;
    Path cds;
    Path jar;
    Path archive;
    String namespace;

    @BeforeEach
    void copyJar() throws Exception {
        cds = Files.createDirectories(dir.resolve("cds"));
        jar = dir.resolve("flowmond.jar");
        Files.copy(JarProcess.JAR, jar, StandardCopyOption.COPY_ATTRIBUTES);
        // packaging/flowmond names the archive after the JVM's installation directory
        Path jvmHome = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().getParent().getParent();
        archive = cds.resolve("flowmond." + jvmHome.getFileName() + ".jsa");
    }

    @AfterEach
    void deleteNamespace() {
        if (namespace != null) {
            Tools.runUnchecked(List.of("ip", "netns", "del", namespace));
        }
    }

    @Test
    void theFirstStartMakesTheArchiveAndTheNextStartsUseIt() throws Exception {
        assertVersion(launcher(List.of(), "--version"));
        assertTrue(Files.size(archive) > 1_000_000, "no archive: " + cdsFiles());
        assertEquals(List.of(archive.getFileName().toString(), archive.getFileName() + ".log"), cdsFiles());
        Object made = Files.readAttributes(archive, "unix:ino").get("ino");
        FileTime madeAt = Files.getLastModifiedTime(archive);

        for (int start = 1; start <= 2; start++) {
            Tools.Result using = launcher(List.of("FLOWMOND_JAVA_OPTS=-Xlog:class+load"), "--version");
            assertEquals(0, using.exitCode(), using.stderr());
            assertTrue(using.stdout().contains(FLOWMOND_CLASS_FROM_ARCHIVE), "Flowmond not loaded from the archive");
            assertEquals("", using.stderr());
        }
        assertEquals(made, Files.readAttributes(archive, "unix:ino").get("ino"), "the archive was made again");
        assertEquals(madeAt, Files.getLastModifiedTime(archive), "the archive was made again");
    }

    @Test
    void aDaemonStartLoadsAlmostAllItsClassesFromTheArchive() throws Exception {
        assertVersion(launcher(List.of(), "--version"));
        Path classes = dir.resolve("classes.txt");
        runDaemonUntilAttached(List.of("FLOWMOND_JAVA_OPTS=-Xlog:class+load:file=" + classes));
        // Hidden classes (lambdas, jnr-ffi's generated stubs) and proxies are never in an archive:
        // count the classes the jar and the JDK's modules hold.
        List<String> loaded = Files.readAllLines(classes);
        long fromArchive = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
        long fromFiles = loaded.stream().filter(l -> l.contains("source: file:") || l.contains("source: jrt:")).count();
        double share = (double) fromArchive / (fromArchive + fromFiles);
        System.out.printf("classes from the archive: %d, from the jar and the JDK: %d (%.3f from the archive)%n",
                fromArchive, fromFiles, share);
        assertTrue(share >= LEAST_SHARE_FROM_ARCHIVE, "only " + fromArchive + " of " + (fromArchive + fromFiles)
                + " classes came from the archive: regenerate the list with `bash packaging/classlist.sh` (as root)");
    }

    @Test
    void aChangedJarMakesTheArchiveAgain() throws Exception {
        assertVersion(launcher(List.of(), "--version"));
        Object first = Files.readAttributes(archive, "unix:ino").get("ino");
        Files.copy(JarProcess.JAR, jar, StandardCopyOption.REPLACE_EXISTING); // as dpkg does: a new file, old mtime kept
        Files.setLastModifiedTime(jar, FileTime.fromMillis(0));

        Tools.Result result = launcher(List.of("FLOWMOND_JAVA_OPTS=-Xlog:class+load"), "--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertNotEquals(first, Files.readAttributes(archive, "unix:ino").get("ino"), "the archive was not made again");
        assertTrue(result.stdout().contains(FLOWMOND_CLASS_FROM_ARCHIVE), "Flowmond not loaded from the new archive");
    }

    @Test
    void anUpgradedJvmMakesTheArchiveAgain() throws Exception {
        // A JVM installation of this test's own: bin/java runs the real one. Writing it anew is
        // what an upgrade of the JRE's package does to its files.
        Path jvmHome = dir.resolve("jvm");
        Path java = Files.createDirectories(jvmHome.resolve("bin")).resolve("java");
        String wrapper = "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n";
        Files.writeString(java, wrapper);
        Tools.run("chmod", "755", java.toString());
        Path ownArchive = cds.resolve("flowmond.jvm.jsa");
        List<String> env = List.of("JAVA_HOME=" + jvmHome);
        assertVersion(launcher(env, "--version"));
        Object first = Files.readAttributes(ownArchive, "unix:ino").get("ino");
        assertVersion(launcher(env, "--version"));
        assertEquals(first, Files.readAttributes(ownArchive, "unix:ino").get("ino"), "made again without a change");

        Files.delete(java);
        Files.writeString(java, wrapper);
        Tools.run("chmod", "755", java.toString());
        Tools.Result result = launcher(List.of("JAVA_HOME=" + jvmHome, "FLOWMOND_JAVA_OPTS=-Xlog:class+load"), "--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertNotEquals(first, Files.readAttributes(ownArchive, "unix:ino").get("ino"), "the archive was not made again");
        assertTrue(result.stdout().contains(FLOWMOND_CLASS_FROM_ARCHIVE), "Flowmond not loaded from the new archive");
        assertFalse(Files.exists(archive), "the real JVM's archive was made");
    }

    @Test
    void aCorruptOrTruncatedArchiveDoesNotPreventTheStart() throws Exception {
        assertVersion(launcher(List.of(), "--version"));
        byte[] whole = Files.readAllBytes(archive);
        for (byte[] bad : List.of("not an archive".getBytes(), Arrays.copyOf(whole, 200_000), Arrays.copyOf(whole, whole.length / 2))) {
            Files.delete(archive); // the JVM writes it read-only
            Files.write(archive, bad); // newer than the jar and the JVM: the launcher uses it
            assertVersion(launcher(List.of(), "--version"));
            assertEquals(bad.length, Files.size(archive), "the launcher replaced the archive, so the JVM's check was not tried");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("hs_err")), "a JVM crash report was left");
        }
    }

    @Test
    void aFailedDumpLeavesNoArchiveAndIsNotTriedAtEveryStart() throws Exception {
        // the launcher takes the class list next to the jar first; this one the dump refuses
        Files.writeString(dir.resolve("flowmond.classlist"), "java/lang/Object\n@lambda-proxy garbage\n");
        Tools.Result failed = launcher(List.of(), "--version");
        assertEquals(0, failed.exitCode(), failed.stderr());
        assertEquals("flowmond " + Version.get() + "\n", failed.stdout());
        assertEquals("flowmond: no class-data archive, see " + archive + ".log\n", failed.stderr());
        assertEquals(0, Files.size(archive));

        assertVersion(launcher(List.of(), "--version"));
        assertEquals(0, Files.size(archive));
        assertEquals(List.of(archive.getFileName().toString(), archive.getFileName() + ".log"), cdsFiles());
    }

    @Test
    void noArchiveWithoutItsDirectoryOrWhenTurnedOff() {
        for (String setting : List.of("FLOWMOND_CDS_DIR=" + dir.resolve("missing"), "FLOWMOND_CDS_DIR=")) {
            Tools.Result result = Tools.runUnchecked(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                    "FLOWMOND_JAR=" + jar, setting, "sh", LAUNCHER.toString(), "--version"));
            assertVersion(result);
        }
        assertFalse(Files.exists(dir.resolve("missing")));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".jsa")), "an archive outside the directory");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertVersion(Tools.Result result) {
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("flowmond " + Version.get() + "\n", result.stdout());
        assertEquals("", result.stderr());
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the daemon through the launcher in a namespace of its own, waits until attached, stops it (exit 0). */
    private void runDaemonUntilAttached(List<String> env) throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        namespace = "fmcds" + ProcessHandle.current().pid();
        Tools.run("ip", "netns", "add", namespace);
        Tools.run("ip", "-n", namespace, "link", "set", "lo", "up");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(launcherCommand(env));
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
