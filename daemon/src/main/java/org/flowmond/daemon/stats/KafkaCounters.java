package org.flowmond.daemon.stats;

/**
 * The Kafka output's counters.
 *
 * @param pending records in the output's queue or the producer's buffer now
 * @param ipfix   in format ipfix, the encoder's counters; null otherwise
 */
public record KafkaCounters(long produced, long delivered, long pending, long queueFull, long undelivered,
                            IpfixCounters ipfix) implements OutputCounters {
}
