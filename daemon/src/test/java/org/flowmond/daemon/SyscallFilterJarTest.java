package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.flowmond.daemon.metrics.Scrape;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit's SystemCallFilter= allows every system call the daemon makes: the jar runs under
 * strace as the unit would start it (root, NOTIFY_SOCKET), must reach READY (so start-up with
 * the probes and TC attached was traced), is stopped with SIGTERM, and each call strace saw must be in the expanded
 * allow list that systemd-analyze prints for the filter's groups.
 */
@RootTest
class SyscallFilterJarTest {

    @TempDir
    Path dir;

    @Test
    void everySystemCallMadeIsAllowedByTheUnit() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("strace");
        Privileges.requireTool("systemd-analyze");
        Set<String> allowed = allowedByUnit();
        // with the Prometheus endpoint listening and scraped once while traced (bind, listen, accept, epoll)
        String listen = "127.0.0.1:" + Scrape.freePort();
        Path config = dir.resolve("metrics.conf");
        Files.writeString(config, "flowmon.metrics.listen = \"" + listen + "\"\n");
        Set<String> used = traceDaemon(List.of(JarProcess.java(), "-jar", JarProcess.JAR.toString(), "-i", "lo", "--config",
                config.toString()), "jar", () -> assertTrue(Scrape.get(listen).contains("flowmond_build_info")));
        used.removeAll(allowed);
        assertEquals(Set.of(), used, "system calls flowmond makes that flowmond.service's SystemCallFilter= refuses");
    }

    /**
     * The same for the packaged launcher's class-data-sharing steps: a start that dumps the archive
     * (a JVM of its own, then mv into place), then a start that runs with it. The shell and the
     * tools it runs are traced too (strace -f).
     */
    @Test
    void theLaunchersArchiveStepsAreAllowedByTheUnit() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("strace");
        Privileges.requireTool("systemd-analyze");
        Set<String> allowed = allowedByUnit();
        Path cds = Files.createDirectories(dir.resolve("cds"));
        List<String> launcher = List.of("env", "JAVA_HOME=" + System.getProperty("java.home"), "FLOWMOND_JAR=" + JarProcess.JAR,
                "FLOWMOND_CDS_DIR=" + cds, "sh", Path.of("..", "packaging", "flowmond").toAbsolutePath().toString(), "-i", "lo");
        Set<String> used = traceDaemon(launcher, "dumping", () -> { });
        try (var files = Files.list(cds)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("flowmond\\..+\\.jsa") && f.toFile().length() > 0),
                    "no archive made");
        }
        used.addAll(traceDaemon(launcher, "using", () -> { }));
        used.removeAll(allowed);
        assertEquals(Set.of(), used, "system calls of the launcher's archive steps that flowmond.service's SystemCallFilter= refuses");
    }

    private Set<String> allowedByUnit() throws Exception {
        String filter = Files.readAllLines(Path.of("..", "packaging", "flowmond.service")).stream()
                .filter(l -> l.startsWith("SystemCallFilter=")).findFirst().orElseThrow()
                .substring("SystemCallFilter=".length());
        Map<String, List<String>> groups = groups(Tools.run("systemd-analyze", "syscall-filter", "--no-pager"));
        Set<String> allowed = new TreeSet<>();
        for (String item : filter.trim().split("\\s+")) {
            allowed.addAll(expand(item, groups));
        }
        return allowed;
    }

    /** "@group" lines followed by indented members (system calls or other groups). */
    private static Map<String, List<String>> groups(String listing) {
        Map<String, List<String>> groups = new HashMap<>();
        List<String> current = null;
        for (String line : listing.split("\n")) {
            if (line.startsWith("@")) {
                current = new ArrayList<>();
                groups.put(line.trim().split("\\s+")[0], current);
            } else if (current != null && !line.isBlank() && !line.trim().startsWith("#")) {
                current.add(line.trim());
            }
        }
        return groups;
    }

    private static Set<String> expand(String item, Map<String, List<String>> groups) {
        Set<String> calls = new TreeSet<>();
        if (!item.startsWith("@")) {
            calls.add(item);
            return calls;
        }
        for (String member : groups.getOrDefault(item, List.of())) {
            calls.addAll(expand(member, groups));
        }
        return calls;
    }

    /** What to do with the daemon once it is ready, before it is stopped. */
    private interface WhileReady {
        void run() throws Exception;
    }

    /** Runs {@code command} under strace -f until READY=1, runs {@code whileReady}, stops it with SIGTERM; the system calls it made. */
    private Set<String> traceDaemon(List<String> command, String run, WhileReady whileReady) throws Exception {
        Path summary = dir.resolve(run + ".strace.txt");
        String socket = dir.resolve(run + ".notify").toString();
        Path stderr = dir.resolve(run + ".stderr");
        try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(socket)) {
            List<String> traced = new ArrayList<>(List.of("strace", "-f", "-qq", "-c", "-o", summary.toString()));
            traced.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(traced)
                    .redirectOutput(dir.resolve(run + ".stdout").toFile()).redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("NOTIFY_SOCKET", socket);
            Process strace = builder.start();
            boolean ready = false;
            while (strace.isAlive() && !ready) {
                String message = systemd.poll();
                if (message != null && message.startsWith("READY=1")) {
                    ready = true;
                    whileReady.run();
                    // strace's child is the JVM: signal it, not strace
                    strace.children().forEach(child -> Tools.run("kill", "-TERM", Long.toString(child.pid())));
                }
                Thread.sleep(50);
            }
            if (!strace.waitFor(120, TimeUnit.SECONDS)) {
                strace.destroyForcibly();
                throw new IllegalStateException("flowmond under strace did not exit within 120 s");
            }
            assertTrue(ready, "flowmond did not start under strace: " + Files.readString(stderr));
            assertEquals(0, strace.exitValue(), Files.readString(stderr));
        }
        Set<String> used = new TreeSet<>();
        for (String line : Files.readAllLines(summary)) {
            String[] fields = line.trim().split("\\s+");
            String name = fields[fields.length - 1];
            if (fields.length >= 5 && name.matches("[a-z_0-9]+") && !name.equals("total") && !name.equals("syscall")) {
                used.add(name);
            }
        }
        return used;
    }
}
