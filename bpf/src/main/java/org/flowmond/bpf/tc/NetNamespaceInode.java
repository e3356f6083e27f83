package org.flowmond.bpf.tc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.bpf.libbpf.NetNamespace;

/**
 * The inode that names a network namespace while it exists (the nsfs file behind
 * {@code /proc/PID/ns/net} or a {@code /run/netns} mount): the value the TC program writes into
 * {@code flow_key.netns_ino}, and what {@code ls -i} or {@code lsns -t net} show.
 */
public final class NetNamespaceInode {
    private NetNamespaceInode() {
    }

    /** Inode of this process's network namespace. */
    public static long own() {
        return of("/proc/self/ns/net");
    }

    /** Inode of the namespace named {@code nameOrPath} (a /run/netns name, or a path). */
    public static long of(String nameOrPath) {
        Path p = Path.of(NetNamespace.path(nameOrPath));
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue(); // follows /proc links to nsfs
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the inode of network namespace " + p, e);
        }
    }
}
