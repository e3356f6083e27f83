package org.flowmond.daemon.output.kafka;

import org.flowmond.daemon.stats.StatisticKeys;
import org.flowmond.daemon.container.ContainerIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.Direction;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.daemon.kafka.KafkaBroker;
import org.flowmond.daemon.kafka.TopicReader;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.SlowTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Kafka output against a real KRaft broker (no BPF): records offered while no broker runs,
 * while it runs, and across a SIGKILL and restart, all arrive exactly once; a queue too small for
 * the outage counts every record it cannot hold, records the producer gives up on are counted
 * once each, and produced = delivered + dropped.
 */
@SlowTest
class KafkaOutputBrokerTest {
    static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    static BiflowRecord record(int srcPort) throws Exception {
        ProcessInfo client = new ProcessInfo(4321, "curl", 1000, "alice", 1, "bash", 7, "", ContainerIdentity.unknown());
        return new BiflowRecord(0x0800, 4, 6, new Endpoint(InetAddress.getByName("10.0.0.2"), srcPort),
                new Endpoint(InetAddress.getByName("10.0.0.1"), 80), InitiatorRule.SYSCALL, 3, 300, 0x1b, 2, 200, 0x1b,
                T0, T0 + 1_500_000_000L, 2, 2, Direction.EGRESS, Direction.INGRESS, FlowEndReason.END_OF_FLOW,
                new Attribution(client, OwnerMethod.CONNECT, new SyscallStats(1, T0, T0)), null);
    }

    private Settings settings(KafkaBroker broker, String topic, int queueLimit) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("""
                flowmon.outputs.kafka { bootstrap-servers = ["%s"], topic = %s, queue-limit = %d }
                flowmon.identity { host-name = "host-a", machine-id = "00112233445566778899aabbccddeeff" }
                """.formatted(broker.bootstrap(), topic, queueLimit)));
    }

    private Settings settings(KafkaBroker broker, String topic, String properties) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("""
                flowmon.outputs.kafka { bootstrap-servers = ["%s"], topic = %s, properties { %s } }
                flowmon.identity { host-name = "host-a", machine-id = "00112233445566778899aabbccddeeff" }
                """.formatted(broker.bootstrap(), topic, properties)));
    }

    private static void offer(KafkaOutput out, int from, int to) throws Exception {
        for (int port = from; port < to; port++) {
            out.biflow(record(port));
        }
    }

    private static void awaitNothingPending(KafkaOutput out) throws InterruptedException {
        for (int i = 0; i < 600 && StatisticKeys.of(out.counters()).get("kafka.records-pending") > 0; i++) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the broker's acknowledgements, not a timed assertion
        }
    }

    @Test
    void everyRecordArrivesOnceThoughTheBrokerStartsLateAndIsKilledOnce() throws Exception {
        try (KafkaBroker broker = KafkaBroker.create(dir)) {
            KafkaOutput out = KafkaOutput.open(settings(broker, "flows", 65536));
            offer(out, 10_000, 11_000); // no broker yet
            TimeUnit.SECONDS.sleep(2);
            broker.start();
            offer(out, 11_000, 12_000);
            awaitNothingPending(out);
            broker.kill();
            offer(out, 12_000, 13_000); // the broker is down
            TimeUnit.SECONDS.sleep(3);
            broker.start();
            offer(out, 13_000, 14_000);
            awaitNothingPending(out); // the daemon runs on after an outage: what its buffer held goes out
            out.close();
            Map<String, Long> c = StatisticKeys.of(out.counters());
            assertEquals(Map.of("kafka.records-produced", 4000L, "kafka.records-delivered", 4000L, "kafka.records-pending", 0L,
                    "dropped.kafka-queue-full", 0L, "dropped.kafka-delivery", 0L), c);

            List<TopicReader.Read> read = TopicReader.readAll(broker.bootstrap(), "flows", r -> r.size() >= 4000,
                    Duration.ofSeconds(2), Duration.ofSeconds(60));
            Map<String, Integer> byKey = new HashMap<>();
            for (TopicReader.Read r : read) {
                byKey.merge(r.key(), 1, Integer::sum);
                Map<String, String> f = TopicReader.fields(r.value());
                assertEquals("host-a", f.get("NPROBE_INSTANCE_NAME"), r.value());
                assertEquals("00112233445566778899aabbccddeeff", f.get("FLOWMON_MACHINE_ID"), r.value());
                assertEquals("4321", f.get("SRC_PROC_PID"), r.value());
                assertEquals(r.key(), "10.0.0.2:" + f.get("L4_SRC_PORT") + ">10.0.0.1:80/6");
            }
            assertEquals(4000, read.size(), "each record once");
            assertEquals(4000, byKey.size());
            assertTrue(byKey.values().stream().allMatch(n -> n == 1));
        }
    }

    @Test
    void aQueueTooSmallForTheOutageCountsWhatItDrops() throws Exception {
        try (KafkaBroker broker = KafkaBroker.create(dir)) {
            KafkaOutput out = KafkaOutput.open(settings(broker, "small", 100));
            offer(out, 10_000, 11_000); // no broker: 100 wait in the queue, one in the sender's hand at most
            Map<String, Long> during = StatisticKeys.of(out.counters());
            assertEquals(1000L, during.get("kafka.records-produced"));
            long dropped = during.get("dropped.kafka-queue-full");
            assertTrue(dropped >= 1000 - 100 - 1024 && dropped > 0, during.toString());
            broker.start();
            awaitNothingPending(out);
            out.close();
            Map<String, Long> c = StatisticKeys.of(out.counters());
            assertEquals(1000L, c.get("kafka.records-delivered") + c.get("dropped.kafka-queue-full")
                    + c.get("dropped.kafka-delivery"), c.toString());
            assertEquals(0L, c.get("dropped.kafka-delivery"), c.toString());
            List<TopicReader.Read> read = TopicReader.readAll(broker.bootstrap(), "small",
                    r -> r.size() >= c.get("kafka.records-delivered"), Duration.ofSeconds(2), Duration.ofSeconds(60));
            assertEquals(c.get("kafka.records-delivered"), (long) read.size(), "what was counted delivered, and only that");
        }
    }

    /**
     * Delivery really fails, two ways, and each record is counted once in dropped.kafka-delivery
     * with one warning line per output: (1) records larger than the producer's
     * {@code max.request.size}, refused within send(); (2) records the producer accepted whose
     * broker was killed before it took them, given up after a short {@code delivery.timeout.ms}
     * on the producer's I/O thread; (3) records in the producer's buffer when the output closes
     * (the default 120 s timeout not reached), aborted by the producer's close; (4) records for a
     * topic whose metadata no broker ever gave, held by the sender thread when the output closes.
     * Each closing output with losses logs one line with their number.
     */
    @Test
    void recordsThatCannotBeDeliveredAreEachCountedOnceAndLoggedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(KafkaOutput.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            // a JSON biflow is ~1 KB: none fits in 300 bytes
            KafkaOutput tooLarge = KafkaOutput.open(settings(broker, "large", "\"max.request.size\" = \"300\""));
            offer(tooLarge, 10_000, 10_100);
            awaitNothingPending(tooLarge);
            tooLarge.close();
            assertEquals(Map.of("kafka.records-produced", 100L, "kafka.records-delivered", 0L, "kafka.records-pending", 0L,
                    "dropped.kafka-queue-full", 0L, "dropped.kafka-delivery", 100L), StatisticKeys.of(tooLarge.counters()));

            KafkaOutput out = KafkaOutput.open(settings(broker, "timeout",
                    "\"delivery.timeout.ms\" = \"2000\", \"request.timeout.ms\" = \"1000\""));
            KafkaOutput atClose = KafkaOutput.open(settings(broker, "at-close", ""));
            offer(out, 20_000, 21_000);
            offer(atClose, 30_000, 30_010);
            awaitNothingPending(out);
            awaitNothingPending(atClose);
            assertEquals(1000L, StatisticKeys.of(out.counters()).get("kafka.records-delivered"), StatisticKeys.of(out.counters()).toString());
            assertEquals(10L, StatisticKeys.of(atClose.counters()).get("kafka.records-delivered"), StatisticKeys.of(atClose.counters()).toString());
            broker.kill(); // the producers keep the topics' metadata: send() takes the next records at once
            offer(out, 21_000, 21_500);
            offer(atClose, 30_010, 30_210);
            KafkaOutput noMetadata = KafkaOutput.open(settings(broker, "no-metadata", ""));
            offer(noMetadata, 40_000, 40_300);
            awaitNothingPending(out); // delivery.timeout.ms after they were taken, the producer gives them up
            out.close();
            assertEquals(Map.of("kafka.records-produced", 1500L, "kafka.records-delivered", 1000L, "kafka.records-pending", 0L,
                    "dropped.kafka-queue-full", 0L, "dropped.kafka-delivery", 500L), StatisticKeys.of(out.counters()));
            assertEquals(200L, StatisticKeys.of(atClose.counters()).get("kafka.records-pending"), StatisticKeys.of(atClose.counters()).toString());
            atClose.close();
            assertEquals(Map.of("kafka.records-produced", 210L, "kafka.records-delivered", 10L, "kafka.records-pending", 0L,
                    "dropped.kafka-queue-full", 0L, "dropped.kafka-delivery", 200L), StatisticKeys.of(atClose.counters()));
            noMetadata.close();
            assertEquals(Map.of("kafka.records-produced", 300L, "kafka.records-delivered", 0L, "kafka.records-pending", 0L,
                    "dropped.kafka-queue-full", 0L, "dropped.kafka-delivery", 300L), StatisticKeys.of(noMetadata.counters()));
        } finally {
            logger.detachAppender(log);
        }
        assertEquals(1, warnings(log, "could not be delivered (org.apache.kafka.common.errors.RecordTooLargeException"), dump(log));
        assertEquals(1, warnings(log, "could not be delivered (org.apache.kafka.common.errors.TimeoutException"), dump(log));
        assertEquals(1, warnings(log, "could not be delivered (org.apache.kafka.common.KafkaException: Producer is closed forcefully"),
                dump(log));
        assertEquals(3, warnings(log, "could not be delivered"), dump(log)); // one line per output that lost records in the producer
        assertEquals(1, warnings(log, "closed with 200 records undelivered"), dump(log));
        assertEquals(1, warnings(log, "closed with 300 records undelivered"), dump(log));
        assertEquals(2, warnings(log, "closed with"), dump(log)); // the outputs that lost nothing at close say nothing
    }

    private static long warnings(ListAppender<ILoggingEvent> log, String text) {
        return log.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
    }

    private static String dump(ListAppender<ILoggingEvent> log) {
        return String.join("\n", log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    /**
     * format = ipfix: whole IPFIX messages per Kafka record, in one partition; the messages read
     * back, in order, are an IPFIX file (RFC 5655) that libfixbuf's ipfixDump decodes: every flow
     * once, with its process.
     */
    @Test
    void inFormatIpfixTheRecordsAreWholeMessagesThatIpfixDumpDecodes() throws Exception {
        Privileges.requireTool("ipfixDump");
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString("""
                    flowmon.outputs.kafka { bootstrap-servers = ["%s"], topic = ipfix, format = ipfix }
                    flowmon.identity { host-name = "host-a", machine-id = "00112233445566778899aabbccddeeff" }
                    flowmon.export.observation-domain-id = machine-id
                    """.formatted(broker.bootstrap())));
            KafkaOutput out = KafkaOutput.open(s);
            offer(out, 20_000, 21_000);
            for (int i = 0; i < 600 && StatisticKeys.of(out.counters()).get("kafka.ipfix.records-encoded") < 1000; i++) {
                TimeUnit.MILLISECONDS.sleep(100); // the exporter thread encodes, not a timed assertion
            }
            awaitNothingPending(out);
            out.close();
            Map<String, Long> c = StatisticKeys.of(out.counters());
            assertEquals(1000L, c.get("kafka.ipfix.records-encoded"), c.toString());
            assertEquals(c.get("kafka.records-produced"), c.get("kafka.records-delivered"), c.toString());
            assertEquals(0L, c.get("dropped.kafka-queue-full") + c.get("dropped.kafka-delivery"), c.toString());

            List<byte[]> messages = TopicReader.readAllBytes(broker.bootstrap(), "ipfix", r -> r.size() >= c.get("kafka.records-delivered"),
                    Duration.ofSeconds(2), Duration.ofSeconds(60));
            assertEquals(c.get("kafka.records-delivered"), (long) messages.size());
            Path file = dir.resolve("from-kafka.ipfix");
            java.util.Set<Long> domains = new java.util.TreeSet<>();
            try (var f = java.nio.file.Files.newOutputStream(file)) {
                for (byte[] m : messages) {
                    assertEquals(10, ((m[0] & 0xff) << 8) | (m[1] & 0xff), "IPFIX version 10 at the start of each record");
                    assertEquals(m.length, ((m[2] & 0xff) << 8) | (m[3] & 0xff), "one whole message per record");
                    domains.add(java.nio.ByteBuffer.wrap(m, 12, 4).getInt() & 0xffffffffL);
                    f.write(m);
                }
            }
            // the flows in the domain derived from the machine id; the exporter's statistics in domain 0
            assertEquals(java.util.Set.of(0L, 0x00112233L), domains);
            String dump = Tools.run("ipfixDump", "--in", file.toString(), "--rfc5610");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("sourceTransportPort\\s.*?:\\s*(\\d+)").matcher(dump);
            Map<Integer, Integer> ports = new HashMap<>();
            while (m.find()) {
                ports.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
            for (int port = 20_000; port < 21_000; port++) {
                assertEquals(1, ports.getOrDefault(port, 0), "flow from port " + port + " once");
            }
            assertTrue(dump.contains("4321"), "the client's PID is in the records");
        }
    }
}
