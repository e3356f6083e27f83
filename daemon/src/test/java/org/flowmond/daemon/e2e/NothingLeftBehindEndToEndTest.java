package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon leaves no BPF program, map or link behind: neither after SIGKILL (the kernel frees
 * what only the process's descriptors held: TCX links, cgroup links, tracing links, maps) nor
 * after a SIGTERM that follows a restart. The daemon's own objects are read from its
 * {@code /proc/PID/fdinfo} (prog_id, map_id, link_id), so programs of other tools do not count.
 */
@RootTest
class NothingLeftBehindEndToEndTest {
    private static final Pattern ID = Pattern.compile("^(prog_id|map_id|link_id):\\s+(\\d+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void sigkillThenRestartThenSigtermLeavesNoProgramMapOrLink() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("bpftool");
        try (VethPair veth = VethPair.create("fmk")) {
            Path conf = dir.resolve("flowmon.conf");
            Files.writeString(conf, """
                    flowmon {
                      interfaces = [%s, lo]
                      export.collectors = [{ host = "127.0.0.1", port = 4739 }]
                    }
                    """.formatted(veth.ifA));

            ChildProcess first = start(veth, conf, "first.log");
            Set<String> firstObjects = bpfObjects(first.pid());
            assertTrue(firstObjects.stream().anyMatch(o -> o.startsWith("link ")), "links of the first daemon: " + firstObjects);
            first.process.destroyForcibly(); // SIGKILL: no handler runs
            first.awaitExit();
            assertEquals(Set.of(), stillThere(firstObjects), "objects of the SIGKILLed daemon still in the kernel");

            ChildProcess second = start(veth, conf, "second.log");
            Set<String> secondObjects = bpfObjects(second.pid());
            assertEquals(0, second.terminate(), second.output());
            assertEquals(Set.of(), stillThere(secondObjects), "objects of the stopped daemon still in the kernel");
        }
    }

    private ChildProcess start(VethPair veth, Path conf, String log) throws Exception {
        ChildProcess d = ChildProcess.java(dir.resolve(log), veth.nsA, "org.flowmond.daemon.Flowmond", "--config",
                conf.toString());
        try {
            d.awaitOutput("running with");
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** "prog 12", "map 7", "link 3": every BPF object the process holds a descriptor of. */
    static Set<String> bpfObjects(long pid) throws IOException {
        Set<String> objects = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path fd : fds.toList()) {
                String info;
                try {
                    info = Files.readString(fd);
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                Matcher m = ID.matcher(info);
                while (m.find()) {
                    objects.add(m.group(1).replace("_id", "") + " " + m.group(2));
                }
            }
        }
        return objects;
    }

    /** The objects bpftool still shows, after up to 5 s for the kernel's deferred release. */
    private static Set<String> stillThere(Set<String> objects) throws Exception {
        Set<String> left = new TreeSet<>(objects);
        for (int i = 0; i < 50 && !left.isEmpty(); i++) {
            left.removeIf(o -> !shown(o));
            if (!left.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(100); // RCU frees programs and maps a little after the last close
            }
        }
        return left;
    }

    private static boolean shown(String object) {
        String[] kindAndId = object.split(" ");
        try {
            Process p = new ProcessBuilder("bpftool", kindAndId[0], "show", "id", kindAndId[1])
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("bpftool " + object, e);
        }
    }
}
