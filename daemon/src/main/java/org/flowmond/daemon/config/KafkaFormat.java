package org.flowmond.daemon.config;

/** {@code flowmon.outputs.kafka.format}: what one Kafka record holds. */
public enum KafkaFormat {
    /** One flow as one JSON object with nProbe's field names, as {@code --json} writes it. */
    JSON
}
