package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.ipfix.ie.InformationElements;

/**
 * pmacct's collector as a child process on 127.0.0.1 of a network namespace, decoding ntop's
 * process elements and flowmond's syscall elements through {@code aggregate_primitives} (by the
 * exporter's own element table, so ids cannot drift), one CSV row per record.
 */
public final class Nfacctd implements AutoCloseable {
    /** Column name, element (IANA id, "PEN:id", or a flowmond element name), length, semantics. */
    private static final String[][] PRIMITIVES = {
        {"endreason", "136", "1", "u_int"},
        {"ipver", "60", "1", "u_int"},
        {"outbytes", "23", "8", "u_int"},
        {"outpkts", "24", "8", "u_int"},
        {"srcpid", "35632:168", "4", "u_int"},
        {"srcname", "35632:169", "16", "str"},
        {"dstpid", "35632:375", "4", "u_int"},
        {"dstname", "35632:376", "16", "str"},
        {"syscalls", "syscallCount", "8", "u_int"},
        {"mtbs", "meanTimeBetweenSyscalls", "8", "u_int"},
        {"kind", "syscallKind", "1", "u_int"},
        {"pid", "processId", "4", "u_int"},
        {"pname", "processName", "16", "str"},
    };

    public final int port;
    private final Path csv;
    private final Process process;
    private final Path log;

    private Nfacctd(int port, Path csv, Process process, Path log) {
        this.port = port;
        this.csv = csv;
        this.process = process;
        this.log = log;
    }

    public static Nfacctd start(Path dir, String netns, long flowmondEnterprise) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        Path primitivesFile = dir.resolve("primitives.lst");
        String aggregate = "src_host, dst_host, src_port, dst_port, proto, " + writePrimitives(primitivesFile, flowmondEnterprise);
        Path csv = dir.resolve("nfacctd.csv");
        Path conf = Files.writeString(dir.resolve("nfacctd.conf"), String.join("\n",
                "daemonize: false",
                "nfacctd_ip: 127.0.0.1",
                "nfacctd_port: " + port,
                // 4 MiB (the kernel doubles it; as root beyond rmem_max): a burst of 10,000 records
                // overflowed the default 208 KiB on a loaded machine
                "nfacctd_pipe_size: 4194304",
                "aggregate_primitives: " + primitivesFile,
                "plugins: print[p]",
                "aggregate[p]: " + aggregate,
                "print_output[p]: csv",
                "print_output_file[p]: " + csv,
                "print_output_file_append[p]: true",
                "print_refresh_time[p]: 1",
                "print_num_protos[p]: true",
                ""));
        Path log = dir.resolve("nfacctd.log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "nfacctd", "-f", conf.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Nfacctd n = new Nfacctd(port, csv, p, log);
        for (int i = 0; i < 300 && !Files.readString(log).contains("waiting for NetFlow/IPFIX data"); i++) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for a child to bind, not a timed assertion
        }
        return n;
    }

    /**
     * Writes the {@code aggregate_primitives} file for ntop's and flowmond's elements and returns
     * the primitives' names, comma-separated, for an {@code aggregate} line.
     */
    public static String writePrimitives(Path file, long flowmondEnterprise) throws IOException {
        InformationElements model = InformationElements.withFlowmondEnterprise(flowmondEnterprise);
        StringBuilder primitives = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (String[] p : PRIMITIVES) {
            String type = Character.isDigit(p[1].charAt(0)) ? p[1] : flowmondEnterprise + ":" + model.byName(p[1]).id();
            primitives.append("name=").append(p[0]).append(" field_type=").append(type).append(" len=").append(p[2])
                    .append(" semantics=").append(p[3]).append('\n');
            names.add(p[0]);
        }
        Files.writeString(file, primitives);
        return String.join(", ", names);
    }

    /** Waits until the print plugin has written everything (no new row for 2.5 s), then stops it. */
    public List<Map<String, String>> stopAndRead() throws IOException, InterruptedException {
        int count = -1;
        for (int i = 0; i < 20 && rows().size() != count; i++) {
            count = rows().size();
            TimeUnit.MILLISECONDS.sleep(2500); // the plugin writes once a second: waiting, not a timed assertion
        }
        // nfacctd ends on SIGINT (it ignores SIGTERM for a long while)
        org.flowmond.testing.Tools.runUnchecked(List.of("kill", "-INT", Long.toString(process.pid())));
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return rows();
    }

    private List<Map<String, String>> rows() throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        String[] header = null;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.contains(",PACKETS,")) { // the header, written before each appended batch
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
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        // the print plugin runs as a child of its own; it exits with the core process
    }
}
