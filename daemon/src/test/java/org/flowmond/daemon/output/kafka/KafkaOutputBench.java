package org.flowmond.daemon.output.kafka;

import org.flowmond.daemon.stats.StatisticKeys;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.kafka.KafkaBroker;
import org.flowmond.daemon.kafka.TopicReader;

/**
 * Kafka output throughput from one daemon's output to a local broker (bench/kafka-output.sh):
 * RECORDS biflows (IPv4 TCP, client process attributed, ≈ 800 bytes of JSON each) offered as fast
 * as the queue takes them, timed from the first offer to the last acknowledgement; then the
 * topic's record count (its partitions' end offsets) is compared with what was counted delivered.
 */
public final class KafkaOutputBench {
    private KafkaOutputBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        String properties = args.length > 1 ? args[1] : ""; // producer properties as HOCON, e.g. "compression.type = none"

        Path dir = Files.createTempDirectory("flowmond-kafka-bench");
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                    "flowmon.outputs.kafka { bootstrap-servers = [\"" + broker.bootstrap() + "\"], topic = bench, properties { "
                            + properties + " } }"));
            int queueLimit = s.outputs().kafka().queueLimit();
            BiflowRecord[] sample = new BiflowRecord[4096];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = KafkaOutputBrokerTest.record(1024 + i);
            }
            KafkaOutput out = KafkaOutput.open(s);
            warmUp(out, sample);
            long base = StatisticKeys.of(out.counters()).get("kafka.records-delivered");
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                if ((i & 4095) == 0) {
                    while (StatisticKeys.of(out.counters()).get("kafka.records-pending") > queueLimit - 8192) {
                        TimeUnit.MICROSECONDS.sleep(200); // the bench keeps the queue from overflowing: it measures delivery
                    }
                }
                out.biflow(sample[i & 4095]);
            }
            while (StatisticKeys.of(out.counters()).get("kafka.records-pending") > 0) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            long nanos = System.nanoTime() - start;
            out.close();
            Map<String, Long> c = StatisticKeys.of(out.counters());
            long delivered = c.get("kafka.records-delivered") - base;
            long total = c.get("kafka.records-delivered");
            System.out.printf(Locale.ROOT, "kafka output: %d records in %.2f s = %,.0f records/s delivered (acks=all,"
                            + " idempotent; properties {%s}); dropped %d%n",
                    delivered, nanos / 1e9, delivered / (nanos / 1e9), properties, c.get("dropped.kafka-queue-full")
                            + c.get("dropped.kafka-delivery"));
            System.out.printf(Locale.ROOT, "records in the topic (sum of its partitions' end offsets): %d; delivered in"
                    + " all (with the warm-up): %d%n", TopicReader.endOffsets(broker.bootstrap(), "bench"), total);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 200,000 records first, so the JIT and the producer's connections are warm. */
    private static void warmUp(KafkaOutput out, BiflowRecord[] sample) throws InterruptedException {
        for (int i = 0; i < 200_000; i++) {
            if ((i & 4095) == 0) {
                while (StatisticKeys.of(out.counters()).get("kafka.records-pending") > 50_000) {
                    TimeUnit.MICROSECONDS.sleep(200);
                }
            }
            out.biflow(sample[i & 4095]);
        }
        while (StatisticKeys.of(out.counters()).get("kafka.records-pending") > 0) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
