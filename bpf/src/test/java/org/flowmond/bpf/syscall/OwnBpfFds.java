package org.flowmond.bpf.syscall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BPF programs, maps and links this JVM holds, from /proc/self/fd and /proc/self/fdinfo.
 * Unlike {@code bpftool prog show}, this sees only our own objects, so tests stay exact while
 * other engineers' tests load programs of the same names on the same machine.
 */
final class OwnBpfFds {
    static final String PROG = "anon_inode:bpf-prog";
    static final String MAP = "anon_inode:bpf-map";
    static final String LINK = "anon_inode:bpf_link";
    /** How a kprobe or classic tracepoint is attached by libbpf 1.1 (perf_event_open). */
    static final String PERF_EVENT = "anon_inode:[perf_event]";

    private OwnBpfFds() {
    }

    /** The fdinfo fields (e.g. prog_id, link_type, tp_name) of every open fd of this kind. */
    static List<Map<String, String>> of(String kind) {
        List<Map<String, String>> result = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(kind)) {
                        result.add(fdinfo(fd.getFileName().toString()));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // an fd closed while listing (e.g. the directory stream's own)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** How many perf event fds this JVM holds. */
    static int perfEvents() {
        return of(PERF_EVENT).size();
    }

    /** How many programs, maps and links this JVM holds, e.g. "progs=4 maps=4 links=4". */
    static String census() {
        return "progs=" + of(PROG).size() + " maps=" + of(MAP).size() + " links=" + of(LINK).size();
    }

    private static Map<String, String> fdinfo(String fd) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }
}
