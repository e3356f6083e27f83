package org.flowmond.daemon.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads and checks {@code flowmon.outputs.kafka.*}; the producer's own property names come from the Kafka client. */
final class KafkaSettingsReader {
    /** What flowmond sets itself from its own keys: a property must not contradict them. */
    private static final Set<String> OWN = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    /** Kafka's legal topic names (its Topic.validate): at most 249 of these characters, not "." or "..". */
    private static final String TOPIC = "[a-zA-Z0-9._-]{1,249}";

    private KafkaSettingsReader() {
    }

    static KafkaSettings read(ConfigReader in, String p) throws ConfigError {
        List<String> servers = in.list(p + "bootstrap-servers", KafkaSettingsReader::server);
        ConfigValue topicValue = in.value(p + "topic");
        String topic = ConfigReader.string(topicValue, p + "topic").trim();
        if (!servers.isEmpty() && topic.isEmpty()) {
            // the place to point at is where the brokers were set: the topic was left out there
            throw ConfigError.at(in.value(p + "bootstrap-servers").origin(), p + "topic",
                    "missing (bootstrap-servers is set, so the records need a topic)");
        }
        if (!topic.isEmpty() && (!topic.matches(TOPIC) || topic.equals(".") || topic.equals(".."))) {
            throw ConfigError.at(topicValue.origin(), p + "topic",
                    "expected a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), got " + ConfigReader.describe(topicValue));
        }
        Map<String, String> properties = properties(in, p + "properties");
        if (!properties.isEmpty()) {
            // without properties there is nothing to check, and the client's config classes stay unloaded
            checkValues(in, p + "properties", properties);
        }
        return new KafkaSettings(servers, topic, in.enumValue(p + "format", KafkaFormat.class),
                in.intIn(p + "queue-limit", 1, 10_000_000), properties);
    }

    /** The client's own check of the values (types, ranges, enums such as acks), now rather than at start. */
    private static void checkValues(ConfigReader in, String path, Map<String, String> properties) throws ConfigError {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try {
            new ProducerConfig(all);
        } catch (ConfigException e) {
            throw ConfigError.at(in.value(path).origin(), path, "the Kafka client refuses it: " + e.getMessage());
        }
    }

    /** "host:port", "[v6]:port". */
    private static String server(ConfigValue value, String path) throws ConfigError {
        String text = ConfigReader.string(value, path).trim();
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        String port = colon > 0 ? text.substring(colon + 1) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 literal needs brackets, or its last group reads as the port
        }
        if (!HostNames.isValid(host) || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65535) {
            throw ConfigError.at(value.origin(), path,
                    "expected \"host:port\" (an IPv4 address, [IPv6] address or DNS name, and a port 1..65535), got "
                            + ConfigReader.describe(value));
        }
        return text;
    }

    /**
     * The producer properties, flattened: {@code ssl.truststore.location = ...} written plainly is
     * a nested object in HOCON, and quoted it is one key; both become the Kafka property.
     */
    private static Map<String, String> properties(ConfigReader in, String path) throws ConfigError {
        ConfigValue section = in.value(path);
        if (section.valueType() != ConfigValueType.OBJECT) {
            throw ConfigError.at(section.origin(), path, "expected a section { ... }, got " + ConfigReader.describe(section));
        }
        Map<String, String> properties = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) section).toConfig().entrySet()) {
            String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
            String key = path + ".\"" + name + "\"";
            ConfigValue value = e.getValue();
            if (!ProducerConfig.configNames().contains(name)) {
                throw ConfigError.at(value.origin(), key, "not a Kafka producer property (see the Kafka documentation's producer configs)");
            }
            if (OWN.contains(name)) {
                throw ConfigError.at(value.origin(), key, "set by flowmond itself (use bootstrap-servers); remove it here");
            }
            if (value.valueType() == ConfigValueType.LIST || value.valueType() == ConfigValueType.NULL) {
                throw ConfigError.at(value.origin(), key, "expected a string, number or true/false, got " + ConfigReader.describe(value));
            }
            properties.put(name, String.valueOf(value.unwrapped()));
        }
        return properties;
    }
}
