package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.daemon.e2e.JsonRecords;
import org.flowmond.testing.ChildProcess;

/** What the containers' end-to-end tests share: a DNS responder to run, the daemon's records to wait for. */
final class ContainerRecords {
    /**
     * A UDP DNS responder for {@code python3 -c DNS_SERVER ADDRESS PORT}: prints "ready", then answers
     * every query with NXDOMAIN (its own bytes, QR and RCODE 3 set), so nslookup exits at once.
     */
    static final String DNS_SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((sys.argv[1], int(sys.argv[2])))
            print("ready", flush=True)
            while True:
                q, peer = s.recvfrom(512)
                if len(q) >= 12:
                    s.sendto(q[:2] + bytes([q[2] | 0x80, (q[3] & 0xF0) | 3]) + q[4:], peer)
            """;

    private ContainerRecords() {
    }

    /**
     * The daemon counting on {@code interfaces} (HOCON list items, e.g. {@code "all"} quoted), writing
     * JSON lines to {@code json}, short timeouts, no collector; started once it says it runs.
     */
    static ChildProcess startDaemon(Path dir, String interfaces, Path json) throws Exception {
        return startDaemon(dir, interfaces, json, "");
    }

    /** As {@link #startDaemon(Path, String, Path)}, counting in {@code namespaces} too (HOCON list items). */
    static ChildProcess startDaemon(Path dir, String interfaces, Path json, String namespaces) throws Exception {
        Path conf = dir.resolve("flowmon.conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = [%s]
                  namespaces = [%s]
                  flows { idle-timeout = 1s, fin-linger = 0s }
                  probes.tc-scan-interval = 200ms
                  export.collectors = []
                  outputs.json-file = "%s"
                }
                """.formatted(interfaces, namespaces, json));
        ChildProcess daemon = ChildProcess.java(dir.resolve("daemon.log"), null, "org.flowmond.daemon.Flowmond",
                "--config", conf.toString());
        daemon.awaitOutput("running with");
        return daemon;
    }

    /** The biflow records to {@code port} in the daemon's JSON lines, once it wrote at least one. */
    static List<Map<String, String>> awaitBiflows(Path json, ChildProcess daemon, int port) throws Exception {
        for (int i = 0; i < 300; i++) {
            List<Map<String, String>> found = biflows(json, port);
            if (!found.isEmpty()) {
                return found;
            }
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the daemon's export, not a timed assertion
        }
        throw new AssertionError("no record of port " + port + ":\n"
                + (Files.exists(json) ? Files.readString(json) : "(no JSON file)") + "\n" + daemon.output());
    }

    private static List<Map<String, String>> biflows(Path json, int port) throws Exception {
        List<Map<String, String>> found = new ArrayList<>();
        if (!Files.exists(json)) {
            return found;
        }
        for (String line : Files.readAllLines(json, StandardCharsets.UTF_8)) {
            Map<String, String> r = JsonRecords.fields(line);
            assertFalse(r.isEmpty(), line);
            if ("biflow".equals(r.get("FLOWMON_RECORD")) && Integer.toString(port).equals(r.get("L4_DST_PORT"))) {
                found.add(r);
            }
        }
        return found;
    }
}
