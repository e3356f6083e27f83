package org.flowmond.daemon.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flowmond.daemon.config.NamespaceSelection;
import org.flowmond.daemon.container.NetworkNamespaces;

/**
 * The network namespaces {@code flowmon.namespaces} selects, as they are now: each by its inode,
 * with a path that opens it. Named ones are found under /run/netns; with {@code ["all"]} also the
 * namespace of every running process (/proc/PID/ns/net: containers, whose namespaces have no name),
 * each namespace once. The daemon's own namespace is never among them (it is counted anyway).
 */
final class NamespaceFinder {
    private final NamespaceSelection selection;
    private final Path proc;
    private final Path runNetns;
    private final NetworkNamespaces namespaces;
    private final long own;

    NamespaceFinder(NamespaceSelection selection, Path proc, Path runNetns, long own) {
        this.selection = selection;
        this.proc = proc;
        this.runNetns = runNetns;
        this.namespaces = new NetworkNamespaces(proc, runNetns);
        this.own = own;
    }

    static NamespaceFinder system(NamespaceSelection selection, long ownInode) {
        return new NamespaceFinder(selection, Path.of("/proc"), Path.of("/run/netns"), ownInode);
    }

    /** Inode → a path of the namespace (/run/netns/NAME where it has a name, else /proc/PID/ns/net). */
    Map<Long, String> find() {
        Map<Long, String> found = new LinkedHashMap<>();
        namespaces.named().forEach((inode, name) -> {
            if (selection.all() || selection.names().contains(name)) {
                found.putIfAbsent(inode, runNetns.resolve(name).toString());
            }
        });
        if (selection.all()) {
            addProcessNamespaces(found);
        }
        found.remove(own);
        return found;
    }

    private void addProcessNamespaces(Map<Long, String> found) {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, NamespaceFinder::isPid)) {
            for (Path pid : pids) {
                // empty when the process ended while we listed
                namespaces.inodeOf(Integer.parseInt(pid.getFileName().toString()))
                        .ifPresent(inode -> found.putIfAbsent(inode, pid.resolve("ns/net").toString()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + proc, e);
        }
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
