package org.flowmond.ipfix.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Datagrams the kernel dropped for a local UDP socket because its receive buffer was full (the
 * last column, {@code drops}, of /proc/net/udp and /proc/net/udp6). A collector that is not
 * scheduled while a burst arrives loses datagrams there, and the exporter cannot see it: the
 * collector then reports a gap in the sequence numbers that is not the exporter's.
 */
final class SocketDrops {
    private SocketDrops() {
    }

    /** The drops of the sockets bound to local {@code port} (in this network namespace). */
    static long ofPort(int port, boolean ipv6) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(ipv6 ? "/proc/net/udp6" : "/proc/net/udp"));
        String suffix = String.format(":%04X", port);
        long drops = 0;
        boolean found = false;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f[1].endsWith(suffix)) {
                drops += Long.parseLong(f[f.length - 1]);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no UDP socket on port " + port + " in /proc/net/udp" + (ipv6 ? "6" : ""));
        }
        return drops;
    }
}
