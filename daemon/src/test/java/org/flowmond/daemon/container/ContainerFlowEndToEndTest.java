package org.flowmond.daemon.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.daemon.e2e.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow between two real Podman containers (host network, over loopback), counted by the daemon:
 * its record names both processes' containers — Podman's container IDs, runtime podman, the
 * cgroup — in the JSON output. Root, BPF, podman; run under the kernel-test lock.
 */
@Timeout(180)
class ContainerFlowEndToEndTest {
    private static final int PORT = 7731;

    @TempDir
    Path dir;

    @Test
    void aFlowBetweenTwoContainersNamesBothContainers() throws Exception {
        String prefix = "fm-flow-" + ProcessHandle.current().pid();
        try (PodmanFixture podman = PodmanFixture.start()) {
            Path json = dir.resolve("flows.json");
            Path conf = dir.resolve("flowmon.conf");
            Files.writeString(conf, """
                    flowmon {
                      interfaces = [lo]
                      flows { idle-timeout = 1s, fin-linger = 0s }
                      probes.tc-scan-interval = 200ms
                      export.collectors = []
                      outputs.json-file = "%s"
                    }
                    """.formatted(json));
            ChildProcess daemon = ChildProcess.java(dir.resolve("daemon.log"), null, "org.flowmond.daemon.Flowmond",
                    "--config", conf.toString());
            try (daemon) {
                daemon.awaitOutput("running with");
                PodmanFixture.Container server = podman.run(prefix + "-srv", "host", List.of(),
                        "sh", "-c", "nc -l -p " + PORT + " > /dev/null");
                TimeUnit.MILLISECONDS.sleep(500); // nc listening; a container start is the slow part
                PodmanFixture.Container client = podman.run(prefix + "-cli", "host", List.of(),
                        "sh", "-c", "echo hello-from-a-container | nc 127.0.0.1 " + PORT);
                String line = awaitRecord(json, daemon);
                assertField(line, "SRC_PROC_CONTAINER_ID", client.id());
                assertField(line, "DST_PROC_CONTAINER_ID", server.id());
                assertField(line, "FLOWMON_SRC_CONTAINER_RUNTIME", "podman");
                assertField(line, "FLOWMON_DST_CONTAINER_RUNTIME", "podman");
                assertField(line, "FLOWMON_SRC_PROC_CGROUP", "/libpod_parent/libpod-" + client.id()); // Podman cgroupfs layout here
                assertEquals(0, daemon.terminate(), daemon.output());
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

    private static void assertField(String line, String name, String value) {
        assertFalse(value.isEmpty(), name);
        assertEquals(true, line.contains("\"" + name + "\":\"" + value + "\""), name + " = " + value + " in " + line);
    }
}
