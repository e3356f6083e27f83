package org.flowmond.daemon.config;

/** {@code flowmon.outputs.kafka.format}: what one Kafka record holds. */
public enum KafkaFormat {
    /** One flow as one JSON object with nProbe's field names, as {@code --json} writes it. */
    JSON,
    /**
     * Whole IPFIX messages, one per Kafka record, as the collectors get them (templates first and
     * again on export.template-refresh, then data and statistics), all of one host in one partition.
     */
    IPFIX
}
