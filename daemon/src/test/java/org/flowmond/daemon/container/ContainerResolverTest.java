package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.daemon.LoggedWarnings;
import org.flowmond.daemon.metrics.Family;
import org.flowmond.daemon.metrics.StatisticNames;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver over a cgroup-shaped directory tree in a temporary directory (ids are the
 * directories' inodes there too) and a fake /proc with cgroup files; the clock is injected.
 * The real cgroup2 file system and a real container: {@code PodmanContainerTest}.
 */
@UnitTest
class ContainerResolverTest {
    private static final String ID = "4f1b7c3e9a2d5b6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    @TempDir
    Path root;
    Path cgroups;
    Path proc;
    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void tree() throws IOException {
        cgroups = Files.createDirectories(root.resolve("cgroup"));
        proc = Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(cgroups.resolve("system.slice/ssh.service"));
        Files.createDirectories(cgroups.resolve("libpod_parent/libpod-" + ID));
    }

    private ContainerResolver resolver(int capacity) {
        return new ContainerResolver(new CgroupTree(cgroups, proc), capacity, 10_000, INTERVAL, clock::get);
    }

    private long id(String path) throws IOException {
        return CgroupTree.inode(cgroups.resolve(path));
    }

    private void process(int pid, String cgroupPath) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("cgroup"), "12:pids:/\n1:name=systemd:/\n0::" + cgroupPath + "\n");
    }

    @Test
    void walksOnceThenAnswersFromTheCache() throws IOException {
        ContainerResolver resolver = resolver(16);
        ContainerIdentity podman = resolver.resolve(id("libpod_parent/libpod-" + ID));
        assertEquals(new ContainerIdentity(ID, ContainerRuntime.PODMAN, "", "", QosClass.NONE,
                "/libpod_parent/libpod-" + ID), podman);
        assertEquals("ssh.service", resolver.resolve(id("system.slice/ssh.service")).unit());   // last walk's map
        assertEquals(podman, resolver.resolve(id("libpod_parent/libpod-" + ID)));
        assertEquals(new ResolverStatistics(1, 2, 0, 1, 0, 0, 0, 2), resolver.statistics());
    }

    @Test
    void aProcessHintNeedsNoWalk() throws IOException {
        Files.createDirectories(cgroups.resolve("system.slice/nginx.service"));
        process(4242, "/system.slice/nginx.service");
        ContainerResolver resolver = resolver(16);
        assertEquals("nginx.service", resolver.resolve(id("system.slice/nginx.service"), 4242).unit());
        assertEquals(0, resolver.statistics().scans());
    }

    @Test
    void aHintThatNamesAnotherCgroupIsNotBelieved() throws IOException {
        process(4242, "/system.slice/ssh.service");   // the pid was reused, or the process moved
        ContainerResolver resolver = resolver(16);
        ContainerIdentity identity = resolver.resolve(id("libpod_parent/libpod-" + ID), 4242);
        assertEquals(ID, identity.id());
        assertEquals(1, resolver.statistics().scans());
    }

    @Test
    void aNewCgroupIsFoundByTheNextWalkNotBefore() throws IOException {
        ContainerResolver resolver = resolver(16);
        resolver.resolve(id("system.slice/ssh.service"));
        Path created = Files.createDirectories(cgroups.resolve("system.slice/docker-" + ID + ".scope"));
        long newId = CgroupTree.inode(created);

        assertEquals(ContainerIdentity.unknown(), resolver.resolve(newId));   // walk not due yet
        assertEquals(ContainerIdentity.unknown(), resolver.resolve(newId));   // cached "unknown": no lookup
        assertEquals(new ResolverStatistics(1, 2, 0, 1, 0, 0, 1, 2), resolver.statistics());

        clock.addAndGet(INTERVAL.toNanos());
        assertEquals(ContainerRuntime.DOCKER, resolver.resolve(newId).runtime());
        assertEquals(new ResolverStatistics(1, 3, 0, 2, 0, 0, 1, 2), resolver.statistics());
    }

    @Test
    void aGoneProcessesNewCgroupIsWalkedForAfterASecondNotTheWholeInterval() throws IOException {
        ContainerResolver resolver = resolver(16);
        resolver.resolve(id("system.slice/ssh.service"));   // the first walk
        long first = CgroupTree.inode(Files.createDirectories(cgroups.resolve("system.slice/docker-" + ID + ".scope")));
        long second = CgroupTree.inode(Files.createDirectories(cgroups.resolve("machine.slice/machine-bookworm.scope")));

        // pid 4242 was seen in the cgroup but has no /proc entry any more (it exited)
        assertEquals(ContainerIdentity.unknown(), resolver.resolve(first, 4242));   // a walk less than 1 s ago
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(ContainerRuntime.MACHINED, resolver.resolve(second, 4243).runtime());   // walks again
        assertEquals(2, resolver.statistics().scans());
        assertEquals(ContainerRuntime.DOCKER, resolver.resolve(first, 4242).runtime());   // that walk found it too
        assertEquals(2, resolver.statistics().scans());
        assertEquals(1, resolver.statistics().unresolved());
    }

    @Test
    void aGoneCgroupIsUnknownAndCounted() throws IOException {
        ContainerResolver resolver = resolver(16);
        assertEquals(ContainerIdentity.unknown(), resolver.resolve(1L << 40));
        assertEquals(1, resolver.statistics().unresolved());
    }

    @Test
    void theCacheIsBoundedAndCountsEvictions() throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.createDirectories(cgroups.resolve("system.slice/s" + i + ".service"));
        }
        ContainerResolver resolver = resolver(3);
        for (int i = 0; i < 5; i++) {
            assertEquals("s" + i + ".service", resolver.resolve(id("system.slice/s" + i + ".service")).unit());
        }
        ResolverStatistics stats = resolver.statistics();
        assertEquals(2, stats.evictions());
        assertEquals(3, stats.cached());
        // the least recently used (s0) went first: asking again is a miss, answered by the last walk
        resolver.resolve(id("system.slice/s0.service"));
        assertEquals(6, resolver.statistics().misses());
        assertEquals(1, resolver.statistics().scans());
    }

    @Test
    void aWalkStopsAtItsLimitAndSaysSo() throws IOException {
        ContainerResolver resolver = new ContainerResolver(new CgroupTree(cgroups, proc), 16, 2, INTERVAL, clock::get);
        resolver.resolve(1L << 40);
        assertEquals(1, resolver.statistics().truncatedScans());
    }

    @Test
    void aWalkThatFailsIsCountedAndNotThrown() {
        Path unreadable = root.resolve("x".repeat(300));   // ENAMETOOLONG: an I/O error, not a missing cgroup
        ContainerResolver resolver = new ContainerResolver(new CgroupTree(unreadable, proc), 16, 100, INTERVAL,
                clock::get);
        assertEquals(ContainerIdentity.unknown(), resolver.resolve(1L << 40));
        assertEquals(1, resolver.statistics().failedScans());
        assertEquals(1, resolver.statistics().unresolved());
    }

    @Test
    void everyFailedWalkIsCountedAndLoggedAtMostOnceAMinute() {
        Path unreadable = root.resolve("x".repeat(300));
        ContainerResolver resolver = new ContainerResolver(new CgroupTree(unreadable, proc), 16, 100, INTERVAL,
                clock::get);
        List<String> warnings = warningsDuring(() -> {
            for (int i = 0; i < 7; i++) {   // a new cgroup every 10 s: a walk is due each time, at 0 s ... 60 s
                resolver.resolve((1L << 40) + i);
                clock.addAndGet(INTERVAL.toNanos());
            }
        });
        assertEquals(7, resolver.statistics().failedScans());
        assertEquals(7, resolver.statistics().unresolved());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot walk the cgroup tree under " + unreadable), warnings.get(0));
        assertTrue(warnings.get(1).endsWith("(5 more since the last such warning)"), warnings.get(1));
    }

    @Test
    void theStatisticsGoIntoTheDaemonsMapUnderContainerKeys() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.putAll(org.flowmond.daemon.stats.StatisticKeys.of(new ResolverStatistics(10, 4, 1, 2, 1, 1, 3, 9)));
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("containers.cache-hits", 10L);
        expected.put("containers.cache-misses", 4L);
        expected.put("containers.cache-evictions", 1L);
        expected.put("containers.cache-entries", 9L);
        expected.put("containers.cgroup-walks", 2L);
        expected.put("containers.cgroup-walks-truncated", 1L);
        expected.put("containers.cgroup-walks-failed", 1L);
        expected.put("containers.unresolved", 3L);
        assertEquals(expected, m);
        for (String key : m.keySet()) {
            Family f = StatisticNames.map(key).family();
            assertFalse(f.generic(), key + " has no rule in metrics.StatisticNames");
            assertEquals(!key.equals("containers.cache-entries"), f.counter(), key);
        }
    }

    /** The resolver's WARN lines while {@code action} runs. */
    private static List<String> warningsDuring(Runnable action) {
        return LoggedWarnings.during(ContainerResolver.class, action);
    }

    @Test
    void findsTheCgroup2MountInMountinfo() throws IOException {
        Path mountinfo = Files.writeString(root.resolve("mountinfo"), String.join("\n",
                "22 27 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
                "30 22 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
                "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw",
                "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,name=systemd", ""));
        assertEquals(Path.of("/sys/fs/cgroup/unified"), CgroupTree.findCgroup2Mount(mountinfo));
    }

    @Test
    void theRealTreeHasThisProcessInIt() throws IOException {
        CgroupTree tree = CgroupTree.system();
        String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        long id = tree.idOf(own);
        assertEquals(own, tree.pathOfProcess((int) ProcessHandle.current().pid(), id).orElseThrow());
        CgroupTree.Scan scan = tree.scan(1_000_000);
        assertEquals(own, scan.pathOf(id).orElseThrow());
        assertTrue(scan.paths().size() >= 1);
    }
}
