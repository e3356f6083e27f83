package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespace inodes, names and cookies of real namespaces ({@code ip netns add}, root). */
@RootTest
class NetworkNamespacesTest {
    private final NetworkNamespaces netns = NetworkNamespaces.system();

    @Test
    void ownNamespaceByPidAndBySelf() {
        int self = (int) ProcessHandle.current().pid();
        assertEquals(Optional.of(netns.ownInode()), netns.inodeOf(self));
        assertEquals(Optional.empty(), netns.inodeOf(Integer.MAX_VALUE));   // no such process
    }

    @Test
    void aFileUnderRunNetnsThatIsNoNamespaceHasNoName(@TempDir Path runNetns) throws IOException {
        Files.writeString(runNetns.resolve("stale"), "");   // what a failed 'ip netns add' leaves
        assertEquals(Map.of(), new NetworkNamespaces(Path.of("/proc"), runNetns).named());
    }

    @Test
    void aNamedNamespaceByInodeNameAndCookie() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        String name = "fm-nsid-" + ProcessHandle.current().pid();
        Tools.run("ip", "netns", "add", name);
        Process first = null;
        Process second = null;
        try {
            first = new ProcessBuilder("ip", "netns", "exec", name, "sleep", "60").start();
            second = new ProcessBuilder("ip", "netns", "exec", name, "sleep", "60").start();
            long inode = ((Number) Files.getAttribute(Path.of("/run/netns", name), "unix:ino")).longValue();
            int pid = waitUntilIn(first, inode);
            int otherPid = waitUntilIn(second, inode);

            assertNotEquals(netns.ownInode(), inode);
            assertEquals(Optional.of(name), netns.nameOf(inode));
            assertEquals(Optional.empty(), netns.nameOf(netns.ownInode()));   // the host's has no name here

            long cookie = netns.cookieOf(pid);
            assertEquals(cookie, netns.cookieOf(otherPid));          // same namespace, same cookie
            assertEquals(cookie, netns.cookieOf(pid));               // stable
            long own = NetworkNamespaces.ownCookie();
            assertNotEquals(own, cookie);
            assertEquals(own, netns.cookieOf((int) ProcessHandle.current().pid()));
            assertEquals(own, NetworkNamespaces.ownCookie());        // this thread never moved
        } finally {
            for (Process p : List.of(first, second).stream().filter(p -> p != null).toList()) {
                p.destroyForcibly().waitFor();
            }
            Tools.run("ip", "netns", "delete", name);
        }
    }

    /** 'ip netns exec' execs sleep in place: the pid is the same once it has entered the namespace. */
    private int waitUntilIn(Process p, long inode) throws InterruptedException {
        int pid = (int) p.pid();
        for (int i = 0; i < 200; i++) {
            if (netns.inodeOf(pid).equals(Optional.of(inode))
                    && ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")) {
                return pid;
            }
            Thread.sleep(10);
        }
        assertTrue(false, "process " + pid + " did not enter the namespace");
        return -1;
    }
}
