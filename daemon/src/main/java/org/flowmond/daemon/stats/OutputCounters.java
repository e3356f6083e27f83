package org.flowmond.daemon.stats;

/** The counters of an export output: the IPFIX exporter, or the Kafka producer. */
public sealed interface OutputCounters permits IpfixCounters, KafkaCounters {
}
