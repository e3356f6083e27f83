package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Podman containers (root, runc): the resolver names each container's cgroup exactly as
 * Podman does, whether the path comes from the process or from a walk of the tree; the network
 * namespace helper tells a host-network container from one in a namespace of its own.
 * Run under the kernel-test lock: it makes network namespaces.
 */
@RootTest
class PodmanContainerTest {
    private static final String PREFIX = "fm-ct-" + ProcessHandle.current().pid();
    private static final String POD = "5c0ffee0-1234-4abc-8def-0123456789ab";

    private static PodmanFixture podman;
    private static String netnsName;

    private final CgroupTree tree = CgroupTree.system();
    private final NetworkNamespaces netns = NetworkNamespaces.system();

    @BeforeAll
    static void image() throws IOException {
        podman = PodmanFixture.start();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (podman != null) {
            podman.close();
        }
        if (netnsName != null) {
            Tools.runUnchecked(List.of("ip", "netns", "delete", netnsName));
        }
    }

    /** What the kernel's bpf_get_current_cgroup_id() returns for the process: its cgroup directory's inode. */
    private long cgroupIdOf(int pid) throws IOException {
        String path = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        return ((Number) Files.getAttribute(tree.mount().resolve(path.substring(1)), "unix:ino")).longValue();
    }

    private ContainerResolver resolver() {
        return new ContainerResolver(tree, 1024, 100_000, Duration.ofSeconds(1), System::nanoTime);
    }

    private void assertPodman(PodmanFixture.Container c, ContainerIdentity identity) {
        assertEquals(c.id(), identity.id(), identity.toString());
        assertEquals(ContainerRuntime.PODMAN, identity.runtime(), identity.toString());
        assertTrue(identity.cgroupPath().contains("libpod-" + c.id()), identity.toString());
    }

    @Test
    void hostNetworkContainer() throws IOException {
        PodmanFixture.Container c = podman.run(PREFIX + "-host", "host", List.of(), "/bin/sleep", "300");
        long cgroupId = cgroupIdOf(c.pid());

        assertPodman(c, resolver().resolve(cgroupId, c.pid()));   // through /proc/PID/cgroup
        ContainerResolver walking = resolver();
        assertPodman(c, walking.resolve(cgroupId));                // through a walk of the tree
        assertEquals(1, walking.statistics().scans());
        assertEquals(Optional.of(netns.ownInode()), netns.inodeOf(c.pid()));
    }

    @Test
    void containerInItsOwnNamespace() throws Exception {
        netnsName = PREFIX + "-ns";
        Tools.run("ip", "netns", "add", netnsName);
        PodmanFixture.Container c = podman.run(PREFIX + "-netns", "ns:/run/netns/" + netnsName, List.of(),
                "/bin/sleep", "300");
        long cgroupId = cgroupIdOf(c.pid());

        assertPodman(c, resolver().resolve(cgroupId, c.pid()));
        assertPodman(c, resolver().resolve(cgroupId));
        long inode = netns.inodeOf(c.pid()).orElseThrow();
        assertNotEquals(netns.ownInode(), inode);
        assertEquals(((Number) Files.getAttribute(Path.of("/run/netns", netnsName), "unix:ino")).longValue(), inode);
        assertEquals(Optional.of(netnsName), netns.nameOf(inode));
        assertNotEquals(NetworkNamespaces.ownCookie(), netns.cookieOf(c.pid()));
    }

    @Test
    void twoContainersTwoIdentities() throws IOException {
        PodmanFixture.Container a = podman.run(PREFIX + "-a", "host", List.of(), "/bin/sleep", "300");
        PodmanFixture.Container b = podman.run(PREFIX + "-b", "host", List.of(), "/bin/sleep", "300");
        ContainerResolver resolver = resolver();
        assertNotEquals(cgroupIdOf(a.pid()), cgroupIdOf(b.pid()));
        assertPodman(a, resolver.resolve(cgroupIdOf(a.pid()), a.pid()));
        assertPodman(b, resolver.resolve(cgroupIdOf(b.pid()), b.pid()));
        assertPodman(a, resolver.resolve(cgroupIdOf(a.pid()), a.pid()));
        assertEquals(new ResolverStatistics(1, 2, 0, 0, 0, 0, 0, 2), resolver.statistics());
    }

    @Test
    void containerInAKubeletPodCgroup() throws IOException {
        // the kubelet's cgroupfs layout, a besteffort pod, made by Podman's --cgroup-parent
        PodmanFixture.Container c = podman.run(PREFIX + "-pod", "host",
                List.of("--cgroup-parent", "/kubepods/besteffort/pod" + POD), "/bin/sleep", "300");
        ContainerIdentity identity = resolver().resolve(cgroupIdOf(c.pid()));
        assertPodman(c, identity);
        assertEquals(POD, identity.podUid(), identity.toString());
        assertEquals(QosClass.BESTEFFORT, identity.qos(), identity.toString());
    }
}
