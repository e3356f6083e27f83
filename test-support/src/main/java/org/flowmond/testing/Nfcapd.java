package org.flowmond.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nfdump's collector as a child process (inside a network namespace unless null); {@link #stop()}
 * ends it (SIGTERM makes it write its file) and {@link #flows()} reads the flows back with nfdump.
 */
public final class Nfcapd implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final ChildProcess process;

    private Nfcapd(int port, Path dir, ChildProcess process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    public static Nfcapd start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /** nfcapd on a free port of 127.0.0.1 in network namespace {@code netns} ({@code null}: this one). */
    public static Nfcapd start(Path dir, String netns) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        return start(dir, netns, "127.0.0.1", port);
    }

    /** nfcapd on {@code host:port} with further options ({@code -6}, {@code -B bytes}); returns once it is up. */
    public static Nfcapd start(Path dir, String netns, String host, int port, String... options)
            throws IOException, InterruptedException {
        Path flows = Files.createDirectories(dir.resolve("nfcapd"));
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("nfcapd", "-b", host, "-p", Integer.toString(port), "-w", flows.toString(), "-t", "3600"));
        cmd.addAll(List.of(options));
        ChildProcess p = ChildProcess.command(dir.resolve("nfcapd.log"), cmd);
        try {
            p.awaitOutput("Startup", Duration.ofSeconds(30));
        } catch (RuntimeException | IOException | InterruptedException e) {
            p.close();
            throw e;
        }
        return new Nfcapd(port, flows, p);
    }

    /** Stops the collector (SIGTERM: it writes its file and its "Ident:" statistics) and returns its log. */
    public String stop() throws IOException, InterruptedException {
        process.terminate(Duration.ofSeconds(30));
        return process.output();
    }

    /** The directory nfcapd writes its files into ({@code nfdump -R}). */
    public Path files() {
        return dir;
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
        if (process.process.isAlive()) {
            stop();
        }
    }
}
