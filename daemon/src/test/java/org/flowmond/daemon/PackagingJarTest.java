package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/: the .deb built by its one command from the jar just packaged, inspected with
 * dpkg-deb; the unit checked by systemd-analyze verify; the launcher run from the staged tree.
 * Installing the .deb on a fresh Debian 12 is proven in a qemu guest (packaging/vm).
 */
@UnitTest
class PackagingJarTest {

    private static final Path PACKAGING = Path.of("..", "packaging").toAbsolutePath().normalize();

    @TempDir
    static Path out;
    static Path deb;

    @BeforeAll
    static void buildDeb() {
        Privileges.requireTool("dpkg-deb");
        String printed = Tools.run("bash", PACKAGING.resolve("build-deb.sh").toString(), "--no-build", "--out", out.toString());
        deb = Path.of(printed.trim());
    }

    @Test
    void controlFields() {
        String arch = Tools.run("dpkg", "--print-architecture").trim();
        String version = JarProcess.run("--version").stdout().trim().replace("flowmond ", "").replace("-SNAPSHOT", "~snapshot");
        assertEquals(out.resolve("flowmond_" + version + "_" + arch + ".deb"), deb);
        assertEquals("flowmond", field("Package"));
        assertEquals(version, field("Version"));
        assertEquals(arch, field("Architecture"));
        assertEquals("default-jre-headless (>= 2:1.17) | openjdk-17-jre-headless | java17-runtime-headless, libbpf1 (>= 1:1.1), procps",
                field("Depends"));
        assertEquals("/etc/flowmon.conf\n", Tools.run("sh", "-c", "dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xO ./conffiles"));
    }

    private static String field(String name) {
        return Tools.run("dpkg-deb", "--field", deb.toString(), name).trim();
    }

    @Test
    void contents() {
        String listing = Tools.run("dpkg-deb", "--contents", deb.toString());
        for (String line : List.of(
                "-rwxr-xr-x root/root .* \\./usr/bin/flowmond",
                "-rw-r--r-- root/root .* \\./usr/share/flowmond/flowmond\\.jar",
                "-rw-r--r-- root/root .* \\./usr/share/flowmond/flowmond\\.classlist",
                "-rw-r--r-- root/root .* \\./lib/systemd/system/flowmond\\.service",
                "-rw-r--r-- root/root .* \\./etc/flowmon\\.conf",
                "-rw-r--r-- root/root .* \\./usr/share/doc/flowmond/copyright",
                "-rw-r--r-- root/root .* \\./usr/share/doc/flowmond/examples/flowmond-alerts\\.yml")) {
            assertTrue(listing.lines().anyMatch(l -> l.matches(line.replace(" .* ", "\\s+\\d+ \\S+ \\S+ "))),
                    "no line like " + line + " in\n" + listing);
        }
        // the seven above and README.md, nothing else
        assertEquals(8, listing.lines().filter(l -> l.startsWith("-")).count(), listing);
    }

    @Test
    void unitPassesSystemdAnalyzeVerify() throws Exception {
        Privileges.requireTool("systemd-analyze");
        // verify insists ExecStart's binary exists: point it at the staged launcher, nothing else changes.
        Path dir = Files.createDirectories(out.resolve("verify"));
        String unit = Files.readString(PACKAGING.resolve("flowmond.service"))
                .replace("ExecStart=/usr/bin/flowmond", "ExecStart=" + out.resolve("root/usr/bin/flowmond"));
        Path copy = dir.resolve("flowmond.service");
        Files.writeString(copy, unit);
        Tools.Result result = Tools.runUnchecked(List.of("systemd-analyze", "verify", copy.toString()));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stderr() + result.stdout());
    }

    /** The staged launcher runs the staged jar with an archive dumped from the staged class list. */
    @Test
    void stagedLauncherRunsTheStagedJar() throws Exception {
        Path launcher = out.resolve("root/usr/bin/flowmond");
        Path cds = Files.createDirectories(out.resolve("cds"));
        Tools.Result result = Tools.runUnchecked(List.of("env", "FLOWMOND_JAR=" + out.resolve("root/usr/share/flowmond/flowmond.jar"),
                "FLOWMOND_CDS_DIR=" + cds, "FLOWMOND_JAVA_OPTS=-Xlog:class+load", launcher.toString(), "--check-config", "-p", "1"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stderr());
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("configuration OK: ")), result.stdout());
        assertTrue(result.stdout().contains("org.flowmond.daemon.Flowmond source: shared objects file"), "Flowmond not loaded from the archive");
    }

    @Test
    void installedConfigIsTheRepositorysAndParses() throws Exception {
        Path staged = out.resolve("root/etc/flowmon.conf");
        assertEquals(Files.readString(Path.of("..", "config", "flowmon.conf")), Files.readString(staged));
        Tools.Result result = JarProcess.run("--config", staged.toString(), "--check-config");
        assertEquals(0, result.exitCode(), result.stderr());
    }
}
