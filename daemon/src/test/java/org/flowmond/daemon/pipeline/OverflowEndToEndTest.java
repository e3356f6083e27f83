package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flowmond.daemon.e2e.JsonRecords;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packets the full kernel map cannot take reach the flow table through the overflow ring and the
 * flow thread's inbox: 3,000 UDP flows into a map of 1,024 entries, and every datagram is in the
 * JSON records, none dropped (the daemon as users run it, in namespace A of a veth pair).
 */
@RootTest
class OverflowEndToEndTest {
    private static final int DATAGRAMS = 3000;

    @TempDir
    Path dir;

    @Test
    void everyDatagramOfAFullMapIsCountedThroughTheOverflowRing() throws Exception {
        Privileges.requireRoot();
        try (VethPair veth = VethPair.create("fmo")) {
            Path json = dir.resolve("flows.json");
            Path conf = dir.resolve("flowmon.conf");
            Files.writeString(conf, """
                    flowmon {
                      interfaces = [%s]
                      directions = egress
                      probes.tc-map-entries = 1024
                      export.collectors = []
                      outputs.json-file = "%s"
                    }
                    """.formatted(veth.ifA, json));
            ChildProcess daemon = ChildProcess.java(dir.resolve("daemon.log"), veth.nsA, "org.flowmond.daemon.Flowmond",
                    "--config", conf.toString());
            try {
                daemon.awaitOutput("running with");
                VethPair.exec(veth.nsA, "python3", "-c", """
                        import socket
                        for i in range(%d):
                            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                            s.sendto(b"x", ("%s", 9))
                            s.close()
                        """.formatted(DATAGRAMS, veth.ipv4B));
                assertEquals(0, daemon.terminate(), daemon.output());
            } finally {
                daemon.close();
            }
            Map<String, Long> stats = stoppedStatistics(daemon.output());
            long counted = JsonRecords.read(json).stream()
                    .filter(r -> "17".equals(r.get("PROTOCOL")) && "9".equals(r.get("L4_DST_PORT")))
                    .mapToLong(r -> Long.parseLong(r.get("IN_PKTS")) + Long.parseLong(r.get("OUT_PKTS"))).sum();
            assertTrue(stats.get("flows.overflow-packets") > 0, "the map was full: packets came as overflow " + stats);
            assertEquals(0L, stats.get("dropped.map-full"), stats.toString());
            assertEquals(0L, stats.get("dropped.event-queue"), stats.toString());
            assertEquals(DATAGRAMS, counted, "every datagram in a record");
        }
    }

    /** The "stopped; key=value ..." line the daemon logs at exit. */
    private static Map<String, Long> stoppedStatistics(String log) {
        String line = log.lines().filter(l -> l.contains("stopped; ")).reduce((a, b) -> b).orElseThrow(() ->
                new AssertionError("no statistics at exit:\n" + log));
        List<String> pairs = Arrays.asList(line.substring(line.indexOf("stopped; ") + 9).trim().split(" "));
        return pairs.stream().filter(p -> p.contains("=")).collect(Collectors.toMap(p -> p.substring(0, p.indexOf('=')),
                p -> Long.parseLong(p.substring(p.indexOf('=') + 1)), (a, b) -> b));
    }
}
