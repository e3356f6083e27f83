package org.flowmond.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nfdump's collector as a child process on a free loopback UDP port; {@link #stop()} ends it
 * (SIGTERM makes it write its file) and {@link #flows()} reads the flows back with nfdump.
 */
public final class Nfcapd implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final Path log;
    private final Process process;

    private Nfcapd(int port, Path dir, Path log, Process process) {
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.process = process;
    }

    public static Nfcapd start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /** nfcapd on 127.0.0.1 of network namespace {@code netns} ({@code null}: this one). */
    public static Nfcapd start(Path dir, String netns) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        Path flows = Files.createDirectories(dir.resolve("nfcapd"));
        Path log = dir.resolve("nfcapd.log");
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("nfcapd", "-b", "127.0.0.1", "-p", Integer.toString(port), "-w", flows.toString(), "-t", "3600"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Nfcapd n = new Nfcapd(port, flows, log, p);
        for (int i = 0; i < 100 && !Files.readString(log).contains("Startup"); i++) {
            TimeUnit.MILLISECONDS.sleep(50); // waiting for a child to bind, not a timed assertion
        }
        return n;
    }

    /** Stops the collector (it writes its file) and returns its log. */
    public String stop() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Every flow nfdump reads back, as column name → value ({@code nfdump -o csv}). */
    public List<Map<String, String>> flows() {
        String csv = Tools.run("nfdump", "-N", "-R", dir.toString(), "-o", "csv");
        return parseCsv(csv);
    }

    static List<Map<String, String>> parseCsv(String csv) {
        List<Map<String, String>> rows = new ArrayList<>();
        String[] header = null;
        for (String line : csv.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (header == null) {
                header = cells;
                continue;
            }
            if (cells.length < header.length || line.startsWith("Summary")) {
                break; // nfdump appends a summary block
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i].trim(), cells[i].trim());
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
