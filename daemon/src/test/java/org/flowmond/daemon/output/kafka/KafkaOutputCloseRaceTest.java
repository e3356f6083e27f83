package org.flowmond.daemon.output.kafka;

import org.flowmond.daemon.stats.StatisticKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.testing.SlowTest;
import org.junit.jupiter.api.Test;

/**
 * A reload closes the Kafka output while the flow thread may still be offering records to it:
 * every record offered around close() ends counted (delivered or dropped), none pending. Kafka's
 * MockProducer acknowledges at once; the broker paths are in {@link KafkaOutputBrokerTest}.
 */
@SlowTest
class KafkaOutputCloseRaceTest {
    @Test
    void recordsOfferedWhileTheOutputClosesAreAllCounted() throws Exception {
        Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("""
                flowmon.outputs.kafka { bootstrap-servers = ["127.0.0.1:9"], topic = t, queue-limit = 64 }
                flowmon.identity { host-name = "host-a", machine-id = "00112233445566778899aabbccddeeff" }
                """));
        BiflowRecord r = KafkaOutputBrokerTest.record(10_000);
        for (int round = 0; round < 300; round++) {
            KafkaOutput out = new KafkaOutput(s.outputs().kafka(), s.identity(),
                    new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer()));
            AtomicBoolean stop = new AtomicBoolean();
            Thread flow = new Thread(() -> {
                while (!stop.get()) {
                    out.biflow(r);
                }
            });
            flow.start();
            Thread.sleep(2);
            out.close();
            stop.set(true);
            flow.join();
            Map<String, Long> c = StatisticKeys.of(out.counters());
            assertEquals(c.get("kafka.records-produced"), c.get("kafka.records-delivered") + c.get("dropped.kafka-queue-full")
                    + c.get("dropped.kafka-delivery"), "round " + round + ": " + c);
        }
    }
}
