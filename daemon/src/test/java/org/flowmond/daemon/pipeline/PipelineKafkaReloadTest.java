package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.testing.SlowTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload reopens the Kafka output only when its settings (or the identity) changed: the same
 * output keeps counting across other changes, a new one starts from zero. No broker is needed:
 * records wait for one and are counted, which is what this reads.
 */
@SlowTest
class PipelineKafkaReloadTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long S = 1_000_000_000L;

    long now = T0;

    private static Settings settings(String extra) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("""
                flowmon.export.collectors = []
                flowmon.outputs.kafka { bootstrap-servers = ["127.0.0.1:1"], topic = flows }
                flowmon.identity { host-name = h1, machine-id = "00112233445566778899aabbccddeeff" }
                """ + extra));
    }

    private static SocketEvent connect(long t, int lport) throws Exception {
        return new SocketEvent(SocketEventKind.CONNECT, t, 4321, 4321, 1000, 1000, 1, "curl", "bash", 1, 1, 4,
                InetAddress.getByName("10.0.0.2"), lport, InetAddress.getByName("10.0.0.1"), 80);
    }

    /** One syscall flow, expired by its idle timeout: one record for the outputs. */
    private void oneRecord(Pipeline p, FakeSources src, int lport) throws Exception {
        src.consumer.accept(connect(now, lport));
        p.runCycle();
        now += 60 * S;
        p.runCycle();
    }

    @Test
    void onlyAChangeOfItsOwnSettingsReopensTheKafkaOutput(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "alice:x:1000:1000::/home/alice:/bin/sh\n");
        FakeSources src = new FakeSources();
        Pipeline p = Pipeline.start(settings(""), src, () -> now,
                new ProcessResolver(new UserNames(passwd), dir.resolve("proc")), false);
        try {
            oneRecord(p, src, 40000);
            assertEquals(1L, p.statistics().get("kafka.records-produced"));

            p.reload(settings("flowmon.flows.idle-timeout = 5s\nflowmon.filter.ports = [80]"));
            oneRecord(p, src, 40001);
            assertEquals(2L, p.statistics().get("kafka.records-produced"), "the same output: other settings changed");

            p.reload(settings("flowmon.flows.idle-timeout = 5s\nflowmon.filter.ports = [80]\nflowmon.outputs.kafka.topic = other"));
            assertEquals(0L, p.statistics().get("kafka.records-produced"), "a new output for a new topic");
            oneRecord(p, src, 40002);

            p.reload(settings("flowmon.flows.idle-timeout = 5s\nflowmon.filter.ports = [80]\nflowmon.outputs.kafka.topic = other\n"
                    + "flowmon.identity.host-name = h2"));
            assertEquals(0L, p.statistics().get("kafka.records-produced"), "a new output for a new identity");
        } finally {
            p.close();
        }
        // no broker ever answered: what the outputs took is counted as undelivered, none silently gone
        assertEquals(0L, p.statistics().get("kafka.records-delivered"));
    }
}
