package org.flowmond.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pmacct's collector as a child process on HOST:PORT (inside a network namespace unless null),
 * its print plugin writing one CSV row per record every second. Elements nfacctd does not know
 * come through {@code aggregate_primitives}, given as the file's lines.
 */
public final class Nfacctd implements AutoCloseable {
    public final int port;
    private final Path csv;
    private final ChildProcess process;

    private Nfacctd(int port, Path csv, ChildProcess process) {
        this.port = port;
        this.csv = csv;
        this.process = process;
    }

    /**
     * Starts nfacctd and returns once it listens and its print plugin has purged once (records
     * sent before the plugin runs its loop are lost on a busy machine).
     *
     * @param primitives the {@code aggregate_primitives} file, one "name=... field_type=..." line per element
     * @param aggregate  the print plugin's {@code aggregate} line: the columns, primitives' names included
     * @param extraConfig further configuration lines ("timestamps_utc: true")
     */
    public static Nfacctd start(Path dir, String netns, String host, int port, String primitives, String aggregate,
                                String... extraConfig) throws IOException, InterruptedException {
        Path primitivesFile = Files.writeString(dir.resolve("primitives.lst"), primitives);
        Path csv = dir.resolve("nfacctd.csv");
        List<String> conf = new ArrayList<>(List.of(
                "daemonize: false",
                "nfacctd_ip: " + host,
                "nfacctd_port: " + port,
                "aggregate_primitives: " + primitivesFile,
                "plugins: print[p]",
                "aggregate[p]: " + aggregate,
                "print_output[p]: csv",
                "print_output_file[p]: " + csv,
                "print_output_file_append[p]: true",
                "print_refresh_time[p]: 1",
                "print_num_protos[p]: true"));
        conf.addAll(List.of(extraConfig));
        Path confFile = Files.writeString(dir.resolve("nfacctd.conf"), String.join("\n", conf) + "\n");
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("nfacctd", "-f", confFile.toString()));
        ChildProcess p = ChildProcess.command(dir.resolve("nfacctd.log"), cmd);
        try {
            p.awaitOutput("waiting for NetFlow/IPFIX data", Duration.ofSeconds(30));
            p.awaitOutput("Purging cache - END", Duration.ofSeconds(30));
        } catch (RuntimeException | IOException | InterruptedException e) {
            p.close();
            throw e;
        }
        return new Nfacctd(port, csv, p);
    }

    /** The print plugin writes on its refresh timer: waits until {@code count} rows are there (30 s at most). */
    public void awaitRows(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (rows().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nfacctd wrote " + rows().size() + " of " + count + " rows to " + csv
                        + " (exists: " + Files.exists(csv) + "):\n" + log());
            }
            Thread.sleep(100); // waiting for the plugin, not a timed assertion
        }
    }

    /** SIGINT, nfacctd's clean stop (it ignores SIGTERM for a long while). */
    public void interrupt(Duration timeout) throws IOException, InterruptedException {
        process.interrupt(timeout);
    }

    /** Waits until the print plugin has written everything (no new row for 2.5 s), then stops it. */
    public List<Map<String, String>> stopAndRead() throws IOException, InterruptedException {
        int count = -1;
        for (int i = 0; i < 20 && rows().size() != count; i++) {
            count = rows().size();
            TimeUnit.MILLISECONDS.sleep(2500); // the plugin writes once a second: waiting, not a timed assertion
        }
        Tools.runUnchecked(List.of("kill", "-INT", Long.toString(process.pid())));
        if (!process.process.waitFor(10, TimeUnit.SECONDS)) {
            process.close();
        }
        return rows();
    }

    /** Every row written so far, column name to value (the header is written again before each batch). */
    public List<Map<String, String>> rows() throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        String[] header = null;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.contains(",PACKETS,")) {
                header = line.split(",", -1);
                continue;
            }
            if (header == null || line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    public String log() throws IOException {
        return process.output();
    }

    /** Forcibly, if still running: the print plugin runs as a child of its own and exits with the core process. */
    @Override
    public void close() {
        process.close();
    }
}
