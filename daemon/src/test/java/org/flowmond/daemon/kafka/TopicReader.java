package org.flowmond.daemon.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic from its beginning with the real Kafka consumer (no group: every partition assigned). */
public final class TopicReader {
    private TopicReader() {
    }

    /** One record as read: its key, its value (as UTF-8 text and as bytes), its partition. */
    public record Read(String key, String value, int partition, byte[] raw) {
    }

    /**
     * Every record of the topic, read until {@code enough} holds for what was read and then for
     * {@code quiet} more (so duplicates after the expected ones would be seen), or until
     * {@code limit} passed. (Not "until nothing new comes": daemons in a fleet always have records.)
     */
    public static List<Read> readAll(String bootstrap, String topic, Predicate<List<Read>> enough, Duration quiet,
                                     Duration limit) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Read> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            long end = System.nanoTime() + limit.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < end) {
                partitions = c.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long enoughSince = 0;
            while (System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(new Read(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            new String(r.value(), StandardCharsets.UTF_8), r.partition(), r.value()));
                }
                if (enoughSince == 0 && enough.test(out)) {
                    enoughSince = System.nanoTime();
                }
                if (enoughSince != 0 && System.nanoTime() - enoughSince >= quiet.toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    /** Every record's value as bytes, in order (one partition, or per partition in turn), read as {@link #readAll}. */
    public static List<byte[]> readAllBytes(String bootstrap, String topic, Predicate<List<Read>> enough, Duration quiet,
                                            Duration limit) {
        return readAll(bootstrap, topic, enough, quiet, limit).stream()
                .map(Read::raw).toList();
    }

    /** How many records the topic holds: the sum of its partitions' end offsets (no transactions, no compaction). */
    public static long endOffsets(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Top-level fields of one flat JSON object as strings (numbers as written, strings unquoted); flowmond's and nfacctd's layouts. */
    public static Map<String, String> fields(String json) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher f = FIELD.matcher(json);
        while (f.find()) {
            String v = f.group(2);
            m.put(f.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }

    private static final java.util.regex.Pattern FIELD =
            java.util.regex.Pattern.compile("\"([A-Za-z0-9_]+)\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9.]+|true|false|null)");
}
