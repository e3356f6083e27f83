package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.Test;

/** The calling thread enters a namespace for one action and comes back, also when the action throws. */
@RootTest
class NetNamespaceTest {
    private static final Path SELF = Path.of("/proc/thread-self/ns/net");

    @Test
    void entersForTheActionAndReturns() throws IOException {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        try (VethPair veth = VethPair.create("fmns")) {
            String home = Files.readSymbolicLink(SELF).toString();
            String inside = NetNamespace.call(veth.nsA, () -> readLink());
            assertNotEquals(home, inside);
            assertEquals(home, readLink());
            assertThrows(IllegalStateException.class, () -> NetNamespace.run(veth.nsA, () -> {
                throw new IllegalStateException("action failed");
            }));
            assertEquals(home, readLink(), "back home after a failing action");
        }
    }

    @Test
    void aMissingNamespaceIsNamed() {
        Privileges.requireRoot();
        LibBpfException e = assertThrows(LibBpfException.class, () -> NetNamespace.run("fm-no-such-ns", () -> { }));
        assertEquals("open", e.call());
        assertEquals("/var/run/netns/fm-no-such-ns", e.object());
        assertEquals(Errno.ENOENT, e.errno());
    }

    private static String readLink() {
        try {
            return Files.readSymbolicLink(SELF).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
