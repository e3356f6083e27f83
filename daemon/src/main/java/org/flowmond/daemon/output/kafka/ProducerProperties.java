package org.flowmond.daemon.output.kafka;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.config.KafkaSettings;

/** The producer's configuration: flowmond's defaults, then the operator's {@code properties} over them. */
final class ProducerProperties {
    /**
     * How long one send() may wait for metadata or buffer room before the sender thread tries again.
     * Short, so that close() is not held up; it is the sender's thread that waits, never the flow thread.
     */
    static final String MAX_BLOCK_MS = "1000";

    private ProducerProperties() {
    }

    static Properties of(KafkaSettings k, IdentitySettings host) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "flowmond-" + host.hostName());
        p.putAll(k.properties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", k.bootstrapServers()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
