package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real cgroups in the kubelet's and systemd's naming, each with a real process in it (root). The
 * kubelet's systemd driver asks systemd for these slices and scopes, and {@code systemd-run --slice}
 * would make them; systemd is not PID 1 on the build machines, so the test makes the same
 * directories in the cgroup2 tree itself (the kubelet's cgroupfs driver does exactly that) and moves
 * a process in. Everything lives under a root of the test's own ({@code --cgroup-root}, as kind
 * uses {@code kubelet.slice}), so a real kubelet's cgroups are never touched. The same layouts
 * made by systemd itself: {@code SystemdScopesJarTest} (a qemu guest with systemd as PID 1).
 */
@RootTest
class KubeletCgroupsTest {
    private static final String ID = "3b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
    private static final String POD = "8f14e45f-ceea-467a-9575-2b2f5a3e6c1d";

    private final CgroupTree tree = CgroupTree.system();
    private final String root = "fmtest" + ProcessHandle.current().pid();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        for (Path top : List.of(tree.mount().resolve(root + ".slice"), tree.mount().resolve(root))) {
            if (!Files.exists(top)) {
                continue;
            }
            List<Path> dirs;
            try (var walk = Files.walk(top)) {
                dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            }
            for (Path d : dirs) {
                removeCgroup(d);
            }
        }
    }

    /** rmdir, retried briefly: a killed process leaves its cgroup a moment after waitFor returns. */
    private static void removeCgroup(Path dir) throws Exception {
        for (int i = 0; ; i++) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException busy) {
                if (i == 100) {
                    throw busy;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Makes the cgroup, moves a new 'sleep' into it, and returns its pid. */
    private int processIn(String path) throws IOException {
        Path dir = Files.createDirectories(tree.mount().resolve(path.substring(1)));
        Process p = new ProcessBuilder("sleep", "300").start();
        processes.add(p);
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(p.pid()));
        return (int) p.pid();
    }

    private void assertResolves(String path, ContainerIdentity expected) throws IOException {
        Privileges.requireRoot();
        int pid = processIn(path);
        long id = tree.idOf(path);
        assertEquals(expected, resolver().resolve(id, pid));   // from /proc/PID/cgroup
        assertEquals(expected, resolver().resolve(id));        // from a walk of the tree
    }

    private static ContainerResolver resolver() {
        return new ContainerResolver(CgroupTree.system(), 1024, 100_000, Duration.ofSeconds(1), System::nanoTime);
    }

    @Test
    void burstablePodSystemdDriver() throws IOException {
        String path = "/" + root + ".slice/" + root + "-kubepods.slice/" + root + "-kubepods-burstable.slice/" + root
                + "-kubepods-burstable-pod" + POD.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope";
        assertResolves(path, new ContainerIdentity(ID, ContainerRuntime.CONTAINERD, "cri-containerd-" + ID + ".scope",
                POD, QosClass.BURSTABLE, path));
    }

    @Test
    void guaranteedPodSystemdDriver() throws IOException {
        String path = "/" + root + ".slice/" + root + "-kubepods.slice/" + root + "-kubepods-pod"
                + POD.replace('-', '_') + ".slice/crio-" + ID + ".scope";
        assertResolves(path, new ContainerIdentity(ID, ContainerRuntime.CRIO, "crio-" + ID + ".scope", POD,
                QosClass.GUARANTEED, path));
    }

    @Test
    void besteffortPodCgroupfsDriver() throws IOException {
        String path = "/" + root + "/kubepods/besteffort/pod" + POD + "/" + ID;
        assertResolves(path, new ContainerIdentity(ID, ContainerRuntime.CRI, "", POD, QosClass.BESTEFFORT, path));
    }

    @Test
    void plainSystemdService() throws IOException {
        String path = "/" + root + ".slice/flowmond-probe.service";
        assertResolves(path, new ContainerIdentity("", ContainerRuntime.SYSTEMD, "flowmond-probe.service", "",
                QosClass.NONE, path));
    }

    @Test
    void nspawnMachine() throws IOException {
        String path = "/" + root + ".slice/machine-fm\\x2dguest.scope/payload";
        assertResolves(path, new ContainerIdentity("fm-guest", ContainerRuntime.MACHINED,
                "machine-fm\\x2dguest.scope", "", QosClass.NONE, path));
    }
}
