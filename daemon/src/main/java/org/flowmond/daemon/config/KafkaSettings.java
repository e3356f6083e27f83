package org.flowmond.daemon.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code flowmon.outputs.kafka.*}: flow records to a Kafka topic.
 *
 * @param bootstrapServers {@code bootstrap-servers}: "host:port" entries; empty = output off
 * @param topic            {@code topic}: the topic every record goes to
 * @param format           {@code format}
 * @param queueLimit       {@code queue-limit}: most records waiting between the flow thread and the producer
 * @param properties       {@code properties}: producer settings handed to the Kafka client as they are (TLS, SASL, tuning)
 */
public record KafkaSettings(List<String> bootstrapServers, String topic, KafkaFormat format, int queueLimit,
                            Map<String, String> properties) {

    public KafkaSettings {
        bootstrapServers = List.copyOf(bootstrapServers);
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
        properties = Map.copyOf(properties);
    }

    public boolean enabled() {
        return !bootstrapServers.isEmpty();
    }
}
