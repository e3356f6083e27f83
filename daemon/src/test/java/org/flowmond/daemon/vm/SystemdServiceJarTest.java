package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VmTest;
import org.junit.jupiter.api.Test;

/**
 * flowmond as users run it: systemd as PID 1 in a qemu guest of a Debian kernel, the .deb
 * installed with apt, {@code systemctl start}, flows at a collector, {@code systemctl reload}
 * with a changed setting (observation domain 1 -> 7), {@code systemctl stop}, and nothing of
 * flowmond left behind (BPF programs, links, tc filters and qdiscs, /sys/fs/bpf), compared with
 * a snapshot taken before the start; the launcher's class-data archive made by the package's postinst
 * and mapped by the service's JVM, not made again at the start. Guest side: packaging/vm/guest/systemd-scenario.sh.
 *
 * <p>Opt-in (skipped without the property, failed with CI=true): {@code -Dflowmond.vm.systemd-kernel=6.1}. A *JarTest: the .deb is built from the
 * shaded jar, in the package phase.
 */
@VmTest
class SystemdServiceJarTest {
    /** systemd reaches basic.target in about 30 s under TCG; the JVM starts twice as slowly as on the host. */
    private static final int GUEST_TIMEOUT_SECONDS = 900;

    @Test
    void installStartReloadStopLeavesNothingBehind() throws IOException, InterruptedException {
        Privileges.requireSystemProperty("flowmond.vm.systemd-kernel", "6.1");
        Privileges.requireRoot();
        Privileges.requireTool("qemu-system-x86_64");
        Privileges.requireTool("tshark");
        Path repo = KernelMatrixJarTest.repo();
        Path out = repo.resolve("daemon/target/vm/systemd");
        Path deb = buildDeb(repo, repo.resolve("daemon/target/vm/deb"));

        String kernel = System.getProperty("flowmond.vm.systemd-kernel");
        GuestRun run = GuestRun.run(repo, out, kernel, true, GUEST_TIMEOUT_SECONDS,
                List.of("bash", "-c", "exec \"$0\" \"$1\" \"$FLOWMOND_VM_OUT\"",
                        repo.resolve("packaging/vm/guest/systemd-scenario.sh").toString(), deb.toString()));
        System.out.println(run.tail(5));
        List<String> problems = new ArrayList<>();
        if (run.exitStatus() != 0) {
            problems.add("the guest scenario failed (status " + run.exitStatus() + "):\n" + run.tail(80));
        } else {
            checkStates(out, problems);
            checkJournal(out, problems);
            checkExport(out, problems);
            checkNothingLeftBehind(out, problems);
            checkArchive(out, problems);
        }
        String summary = "systemd scenario on " + kernel + ", " + run.seconds() + " s: "
                + (problems.isEmpty() ? "ok" : "FAIL\n  " + String.join("\n  ", problems));
        System.out.println(summary);
        Files.createDirectories(out);
        Files.writeString(out.resolve("result.txt"), summary + "\n");
        assertEquals(List.of(), problems, summary);
    }

    private static Path buildDeb(Path repo, Path dir) throws IOException {
        Tools.Result r = Tools.runUnchecked(List.of("bash", repo.resolve("packaging/build-deb.sh").toString(),
                "--no-build", "--out", dir.toString()));
        assertEquals(0, r.exitCode(), "build-deb.sh failed: " + r.stdout() + r.stderr());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("flowmond_.*\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no flowmond_*.deb in " + dir));
        }
    }

    /** systemctl show after each step, e.g. "started: ActiveState=active ExecMainStatus=0 Result=success SubState=running". */
    private static void checkStates(Path out, List<String> problems) throws IOException {
        String states = read(out, "states.txt");
        expectState(states, "started", List.of("ActiveState=active", "SubState=running", "Result=success"), problems);
        expectState(states, "reloaded", List.of("ActiveState=active", "SubState=running", "Result=success"), problems);
        expectState(states, "stopped", List.of("ActiveState=inactive", "SubState=dead", "Result=success"), problems);
    }

    private static void expectState(String states, String step, List<String> want, List<String> problems) {
        String line = states.lines().filter(l -> l.startsWith(step + ":")).findFirst().orElse("");
        if (!want.stream().allMatch(line::contains)) {
            problems.add("after '" + step + "' want " + want + "; states:\n" + states);
        }
    }

    private static void checkJournal(Path out, List<String> problems) throws IOException {
        String journal = read(out, "journal.txt");
        for (String want : List.of("running with", "SIGHUP: reloading", "configuration reloaded", "SIGTERM: stopping")) {
            if (!journal.contains(want)) {
                problems.add("the journal lacks '" + want + "'");
            }
        }
    }

    /** Flows at the collector, with processes, under observation domain 1 before the reload and 7 after. */
    private static void checkExport(Path out, List<String> problems) {
        Path pcap = out.resolve("ipfix.pcap");
        String domains = Tools.run("tshark", "-o", org.flowmond.testing.TsharkCapture.WIDE_TEMPLATES, "-r", pcap.toString(), "-d", "udp.port==4739,cflow", "-T", "fields",
                "-e", "cflow.od_id");
        // One line per message; tshark also names an options record's observationDomainId field (the
        // statistics' scope, in a domain-0 message) cflow.od_id, so such a line reads "0,1".
        Set<String> seen = new TreeSet<>(List.of(domains.strip().split("[\\s,]+")));
        // Flows go in the configured domain; the exporter's options records in domain 0 (RFC 7011 3.1).
        seen.remove("0");
        if (!seen.equals(Set.of("1", "7"))) {
            problems.add("observation domains of the flows: " + seen + ", want [1, 7] (1 before the reload, 7 after)");
        }
        Map<String, long[]> truth = IpfixCapture.tcpCountsByPorts(out.resolve("traffic.pcap"));
        long transfers = IpfixCapture.records(pcap, 4739).stream()
                .filter(r -> "5001".equals(r.get("cflow.dstport")) && "6".equals(r.get("cflow.protocol")))
                .filter(r -> "bash".equals(r.get("cflow.pie.ntop.src_proc_name"))
                        && "busybox".equals(r.get("cflow.pie.ntop.dst_proc_name")))
                .map(r -> r.get("cflow.srcport") + ">5001")
                .filter(truth::containsKey).distinct().count();
        if (transfers != 2) {
            problems.add("want both transfers (before and after the reload) exported as bash -> busybox, found " + transfers);
        }
    }

    /** Before the start and after the stop, the BPF and tc state must be the same; while running, it must not. */
    private static void checkNothingLeftBehind(Path out, List<String> problems) throws IOException {
        String before = read(out, "snapshot.before");
        String running = read(out, "snapshot.running");
        String after = read(out, "snapshot.after");
        if (before.equals(running)) {
            problems.add("the snapshot while running shows no flowmond program: the leftover check would prove nothing");
        }
        if (!before.equals(after)) {
            problems.add("left behind after systemctl stop:\n--- before\n" + before + "\n--- after\n" + after);
        }
    }

    /** "NAME INODE MTIME SIZE" of the archive after the install, the same after the start, and its name among the JVM's mappings. */
    private static void checkArchive(Path out, List<String> problems) throws IOException {
        String installed = read(out, "archive.installed").strip();
        String started = read(out, "archive.started").strip();
        String[] fields = installed.split(" ");
        if (fields.length != 4 || !fields[0].matches("/var/lib/flowmond/flowmond\\.[^/]+\\.jsa") || Long.parseLong(fields[3]) < 1_000_000) {
            problems.add("no class-data archive after the install: " + installed);
            return;
        }
        if (!installed.equals(started)) {
            problems.add("the archive was made again at the start: " + installed + " -> " + started);
        }
        if (!read(out, "archive.mapped").lines().toList().contains(fields[0])) {
            problems.add("the service's JVM does not map " + fields[0] + ": " + read(out, "archive.mapped"));
        }
    }

    private static String read(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(Files.exists(p), p + " missing");
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
