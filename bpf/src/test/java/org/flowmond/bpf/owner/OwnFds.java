package org.flowmond.bpf.owner;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** This JVM's open BPF descriptors by kind (as syscall.OwnBpfFds, for this package). */
final class OwnFds {
    static final String PROG = "anon_inode:bpf-prog";
    static final String MAP = "anon_inode:bpf-map";
    static final String LINK = "anon_inode:bpf_link";

    private OwnFds() {
    }

    static int count(String kind) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(kind)) {
                        n++;
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the directory stream's own fd
                }
            }
        }
        return n;
    }
}
