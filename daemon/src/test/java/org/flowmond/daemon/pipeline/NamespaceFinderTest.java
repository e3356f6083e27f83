package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flowmond.daemon.config.NamespaceSelection;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which namespaces each selection finds, over a /proc and a /run/netns made of plain files (a
 * file's inode stands for a namespace's; a hard link is the same namespace seen twice).
 */
@UnitTest
class NamespaceFinderTest {
    @TempDir
    Path dir;

    private Path proc;
    private Path run;

    private long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    /** own = /proc/self and /proc/1; blue = /run/netns/blue and /proc/20; /proc/30 has one without name. */
    private Map<String, Long> layout() throws Exception {
        proc = dir.resolve("proc");
        run = dir.resolve("run/netns");
        Files.createDirectories(run);
        for (String pid : List.of("self", "1", "20", "30", "40")) {
            Files.createDirectories(proc.resolve(pid).resolve("ns"));
        }
        Path own = Files.createFile(proc.resolve("self/ns/net"));
        Files.createLink(proc.resolve("1/ns/net"), own);
        Path blue = Files.createFile(run.resolve("blue"));
        Files.createLink(proc.resolve("20/ns/net"), blue);
        Path container = Files.createFile(proc.resolve("30/ns/net"));
        Files.createFile(run.resolve("red"));
        // /proc/40 has ended: no ns/net any more
        return Map.of("own", inode(own), "blue", inode(blue), "container", inode(container),
                "red", inode(run.resolve("red")));
    }

    @Test
    void allFindsNamedAndProcessNamespacesOnceEachButNotTheOwn() throws Exception {
        Map<String, Long> ns = layout();
        Map<Long, String> found = new NamespaceFinder(NamespaceSelection.allNamespaces(), proc, run, ns.get("own")).find();
        assertEquals(Map.of(ns.get("blue"), run.resolve("blue").toString(), ns.get("red"), run.resolve("red").toString(),
                ns.get("container"), proc.resolve("30/ns/net").toString()), found);
    }

    @Test
    void namesFindOnlyTheNamedOnesThatExist() throws Exception {
        Map<String, Long> ns = layout();
        Map<Long, String> found = new NamespaceFinder(NamespaceSelection.of(List.of("blue", "green")), proc, run,
                ns.get("own")).find();
        assertEquals(Map.of(ns.get("blue"), run.resolve("blue").toString()), found);
    }
}
