package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow between two real Podman containers (host network, over loopback), counted by the daemon:
 * its record names both processes' containers — Podman's container IDs, runtime podman, the
 * cgroup — in the JSON output; in the seed tables written at exit, the connect and the accept
 * row of that port carry each container's short ID (as {@code podman ps} shows it) in the
 * CONTAINER column; in the IPFIX export (ntop biflow encoding, as nProbe wants it) tshark decodes
 * ntop's SRC_PROC_CONTAINER_ID and DST_PROC_CONTAINER_ID (35632/558, 559) as each container ID's
 * first 16 characters. Root, BPF, podman, tshark; run under the kernel-test lock.
 */
@RootTest
@Timeout(180)
class ContainerFlowEndToEndTest {
    private static final int PORT = 7731;

    @TempDir
    Path dir;

    @Test
    void aFlowBetweenTwoContainersNamesBothContainers() throws Exception {
        String prefix = "fm-flow-" + ProcessHandle.current().pid();
        try (PodmanFixture podman = PodmanFixture.start();
             DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             TsharkCapture capture = TsharkCapture.ipfix(dir, null, "lo", collector.getLocalPort())) {
            Path json = dir.resolve("flows.json");
            Path tables = dir.resolve("tables.tsv");
            Path conf = dir.resolve("flowmon.conf");
            Files.writeString(conf, """
                    flowmon {
                      interfaces = [lo]
                      flows { idle-timeout = 1s, fin-linger = 0s }
                      probes.tc-scan-interval = 200ms
                      export.collectors = [{ host = "127.0.0.1", port = %d }]
                      export.biflow = ntop
                      outputs.json-file = "%s"
                      outputs.table-file = "%s"
                    }
                    """.formatted(collector.getLocalPort(), json, tables));
            ChildProcess daemon = ChildProcess.java(dir.resolve("daemon.log"), null, "org.flowmond.daemon.Flowmond",
                    "--config", conf.toString());
            try (daemon) {
                daemon.awaitOutput("running with");
                // both containers outlive their nc by some seconds: a container's identity is read while
                // its cgroup exists, and Podman removes it as soon as the container exits (CI saw the
                // server's gone before the daemon resolved it)
                PodmanFixture.Container server = podman.run(prefix + "-srv", "host", List.of(),
                        "sh", "-c", "nc -l -p " + PORT + " > /dev/null; sleep 10");
                TimeUnit.MILLISECONDS.sleep(500); // nc listening; a container start is the slow part
                PodmanFixture.Container client = podman.run(prefix + "-cli", "host", List.of(),
                        "sh", "-c", "echo hello-from-a-container | nc 127.0.0.1 " + PORT + "; sleep 10");
                String line = awaitRecord(json, daemon);
                assertField(line, "SRC_PROC_CONTAINER_ID", client.id());
                assertField(line, "DST_PROC_CONTAINER_ID", server.id());
                assertField(line, "FLOWMON_SRC_CONTAINER_RUNTIME", "podman");
                assertField(line, "FLOWMON_DST_CONTAINER_RUNTIME", "podman");
                assertField(line, "FLOWMON_SRC_PROC_CGROUP", "/libpod_parent/libpod-" + client.id()); // Podman cgroupfs layout here
                assertEquals(0, daemon.terminate(), daemon.output());
                String written = Files.readString(tables, StandardCharsets.UTF_8);
                assertEquals(client.id().substring(0, 12), containerColumn(written, "RPORT"), written);
                assertEquals(server.id().substring(0, 12), containerColumn(written, "LPORT"), written);
                capture.stop();
                Map<String, String> ipfix = ipfixRecord(capture);
                assertEquals(client.id().substring(0, 16), text(ipfix.get("enterprise.558")), ipfix.toString());
                assertEquals(server.id().substring(0, 16), text(ipfix.get("enterprise.559")), ipfix.toString());
            }
        }
    }

    /** The biflow record of PORT, once the daemon wrote it (idle timeout 1 s after the FIN). */
    private static String awaitRecord(Path json, ChildProcess daemon) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(json)) {
                for (String line : Files.readAllLines(json, StandardCharsets.UTF_8)) {
                    if (line.contains("\"FLOWMON_RECORD\":\"biflow\"") && line.contains("\"L4_DST_PORT\":" + PORT + ",")
                            && line.contains("SRC_PROC_PID")) {
                        return line;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the daemon's export, not a timed assertion
        }
        throw new AssertionError("no record of port " + PORT + " with processes:\n"
                + (Files.exists(json) ? Files.readString(json) : "(no JSON file)") + "\n" + daemon.output());
    }

    /** The IPFIX biflow record of PORT as tshark decodes it (ntop's 558 and 559 by number: Wireshark 4.0 has no names). */
    private static Map<String, String> ipfixRecord(TsharkCapture capture) {
        List<Map<String, String>> records = capture.recordsWithEnterpriseElement(558);
        return records.stream().filter(r -> Integer.toString(PORT).equals(r.get("cflow.dstport"))).findFirst()
                .orElseThrow(() -> new AssertionError("no IPFIX record of port " + PORT + " with 35632/558: " + records));
    }

    /** A fixed-length string field's hex octets as text, without nProbe's zero padding. */
    private static String text(String hex) {
        return hex == null ? null : new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8).replace("\0", "");
    }

    /** The CONTAINER value of the row of PORT in the table whose port column is {@code portColumn}. */
    private static String containerColumn(String tables, String portColumn) {
        List<String> header = null;
        for (String line : tables.split("\n")) {
            List<String> cells = List.of(line.split("\t"));
            if (line.startsWith("PID\t")) {
                header = cells;
            } else if (header != null && header.contains(portColumn) && cells.size() == header.size()
                    && cells.get(header.indexOf(portColumn)).equals(Integer.toString(PORT))) {
                assertEquals("CONTAINER", header.get(header.size() - 1), tables);
                return cells.get(header.size() - 1);
            }
        }
        throw new AssertionError("no row of port " + PORT + " under " + portColumn + ":\n" + tables);
    }

    private static void assertField(String line, String name, String value) {
        assertFalse(value.isEmpty(), name);
        assertEquals(true, line.contains("\"" + name + "\":\"" + value + "\""), name + " = " + value + " in " + line);
    }
}
