package org.flowmond.daemon.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.ExporterSettings;
import org.flowmond.ipfix.TlsFiles;
import org.flowmond.ipfix.Transport;
import org.flowmond.ipfix.transport.TlsContexts;

/** Reads and checks {@code flowmon.export.*}: the IPFIX collectors, their TLS files and the message settings. */
final class ExportSettingsReader {
    private static final int NTOP_PEN = 35632;
    /** {@code flowmon.export.biflow}'s words: the configuration's names for the exporter's encodings. */
    private static final Map<String, BiflowMode> BIFLOW_WORDS = biflowWords();

    private ExportSettingsReader() {
    }

    static ExportSettings read(ConfigReader in, String p, IdentitySettings identity) throws ConfigError {
        long enterprise = in.wholeNumber(p + "enterprise-id", 1, 0xFFFF_FFFFL);
        if (enterprise == NTOP_PEN) {
            throw ConfigError.at(in.value(p + "enterprise-id").origin(), p + "enterprise-id",
                    "expected flowmond's own enterprise number, got 35632 (ntop's, whose element ids mean other things)");
        }
        List<WrittenCollector> written = in.list(p + "collectors", ExportSettingsReader::collector);
        long observationDomain = HostIdentity.observationDomain(in, p + "observation-domain-id", identity);
        int mtu = mtu(in, p + "mtu");
        Duration templateRefresh = in.duration(p + "template-refresh", Duration.ofSeconds(1), Duration.ofDays(1));
        int templateRefreshMessages = in.intIn(p + "template-refresh-messages", 0, 1_000_000);
        BiflowMode biflow = in.choice(p + "biflow", BIFLOW_WORDS);
        int sendQueueLimit = in.intIn(p + "send-queue-limit", 1, 1_000_000);
        int collectorBuffer = in.intIn(p + "collector-buffer", 1, 1_000_000);
        Optional<TlsFiles> tls = tls(in, p, written);
        List<Collector> collectors = written.stream().map(c -> c.with(collectorBuffer, tls)).toList();
        return new ExportSettings(collectors, observationDomain, mtu, templateRefresh, templateRefreshMessages,
                enterprise, biflow, sendQueueLimit, collectorBuffer, tls);
    }

    /** {@code auto} ({@link ExporterSettings#AUTO_MTU}: chosen from the collectors' addresses) or a number of octets. */
    private static int mtu(ConfigReader in, String path) throws ConfigError {
        ConfigValue value = in.value(path);
        if (value.valueType() == ConfigValueType.STRING && "auto".equalsIgnoreCase(((String) value.unwrapped()).trim())) {
            return ExporterSettings.AUTO_MTU;
        }
        try {
            return in.intIn(path, ExporterSettings.MIN_MTU, 65535);
        } catch (ConfigError e) {
            throw ConfigError.at(value.origin(), path, "expected auto or a whole number from " + ExporterSettings.MIN_MTU
                    + " to 65535, got " + ConfigReader.describe(value));
        }
    }

    /** A collector as its list entry writes it: the buffer and TLS files it also needs are keys of their own. */
    private record WrittenCollector(String host, int port, Transport transport) {
        Collector with(int buffer, Optional<TlsFiles> tls) {
            return switch (transport) {
                case UDP -> new Collector(host, port);
                case TCP -> Collector.tcp(host, port, buffer);
                case TLS -> Collector.tls(host, port, tls.orElseThrow(), buffer); // tls() requires the files then
            };
        }
    }

    private static Map<String, BiflowMode> biflowWords() {
        Map<String, BiflowMode> words = new LinkedHashMap<>();
        words.put("rfc5103", BiflowMode.RFC5103);
        words.put("ntop", BiflowMode.NPROBE);
        words.put("uniflow", BiflowMode.UNIFLOWS);
        return words;
    }

    private static WrittenCollector collector(ConfigValue value, String path) throws ConfigError {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw ConfigError.at(value.origin(), path,
                    "expected { host = \"<address>\", port = <1..65535>, transport = udp | tcp | tls }, got "
                            + ConfigReader.describe(value));
        }
        ConfigObject object = (ConfigObject) value;
        for (String key : List.of("host", "port")) {
            if (!object.containsKey(key)) {
                throw ConfigError.at(value.origin(), path + "." + key, "missing (a collector needs host and port)");
            }
        }
        ConfigValue hostValue = object.get("host");
        String host = ConfigReader.string(hostValue, path + ".host").trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!HostNames.isValid(host)) {
            throw ConfigError.at(hostValue.origin(), path + ".host",
                    "expected an IPv4 or IPv6 address or a DNS name, got " + ConfigReader.describe(hostValue));
        }
        int port = (int) ConfigReader.wholeNumber(object.get("port"), path + ".port", 1, 65535);
        Transport transport = object.containsKey("transport")
                ? ConfigReader.enumValue(object.get("transport"), path + ".transport", Transport.class)
                : Transport.UDP; // reference.conf documents udp as the default transport
        return new WrittenCollector(host, port, transport);
    }

    /**
     * The TLS files: all three or none. Needed when a collector uses TLS; when given, each must be a
     * readable file and together they must make a TLS client (PEM certificate chain, PKCS#8 key,
     * CA certificates), so a bad file stops the start rather than every connection.
     */
    private static Optional<TlsFiles> tls(ConfigReader in, String export, List<WrittenCollector> collectors) throws ConfigError {
        String p = export + "tls.";
        List<String> keys = List.of("certificate", "key", "ca");
        List<Path> files = new ArrayList<>();
        for (String key : keys) {
            String text = in.string(p + key).trim();
            files.add(text.isEmpty() ? null : Path.of(text).toAbsolutePath().normalize());
        }
        int tlsCollector = -1;
        for (int i = collectors.size() - 1; i >= 0; i--) {
            if (collectors.get(i).transport() == Transport.TLS) {
                tlsCollector = i;
            }
        }
        if (files.stream().allMatch(Objects::isNull)) {
            if (tlsCollector >= 0) {
                String key = export + "collectors[" + tlsCollector + "].transport";
                throw ConfigError.at(collectorOrigin(in, export, tlsCollector), key,
                        "tls needs flowmond's certificate, its key and the collectors' CA: set " + p + "certificate, "
                                + p + "key and " + p + "ca (PEM files), got none");
            }
            return Optional.empty();
        }
        ConfigOrigin given = in.value(p + keys.get(files.indexOf(files.stream().filter(Objects::nonNull).findFirst()
                .orElseThrow()))).origin();
        for (int i = 0; i < keys.size(); i++) {
            String key = p + keys.get(i);
            ConfigValue value = in.value(key);
            if (files.get(i) == null) {
                // named where the others were set: that is where the missing one belongs
                throw ConfigError.at(given, key, "missing (certificate, key and ca go together: a PEM file each)");
            }
            if (!Files.isRegularFile(files.get(i)) || !Files.isReadable(files.get(i))) {
                throw ConfigError.at(value.origin(), key, "expected a readable PEM file, got \"" + value.unwrapped()
                        + "\" (" + (Files.exists(files.get(i)) ? "not a readable file" : "no such file") + ")");
            }
        }
        TlsFiles tls = new TlsFiles(files.get(0), files.get(1), files.get(2));
        try {
            TlsContexts.client(tls);
        } catch (IllegalArgumentException e) {
            throw ConfigError.at(in.value(p + "certificate").origin(), p + "certificate",
                    "expected a PEM certificate, a PKCS#8 PEM key and PEM CA certificates that make a TLS client: "
                            + e.getMessage());
        }
        return Optional.of(tls);
    }

    private static ConfigOrigin collectorOrigin(ConfigReader in, String export, int index) throws ConfigError {
        ConfigValue list = in.value(export + "collectors");
        ConfigValue entry = ((ConfigList) list).get(index);
        ConfigValue transport = entry instanceof ConfigObject o && o.containsKey("transport") ? o.get("transport") : entry;
        return transport.origin();
    }
}
