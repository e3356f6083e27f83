package org.flowmond.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.tc.TcAttachMode;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.TlsFiles;
import org.flowmond.ipfix.Transport;
import org.flowmond.ipfix.transport.TlsContexts;

/**
 * Turns reference.conf, the configuration file and the command-line overrides (strongest first:
 * command line, file, reference.conf) into validated {@link Settings}. Every problem is a
 * one-line {@link ConfigError}; the ranges below are the ones reference.conf documents.
 */
public final class SettingsLoader {

    /** The installed configuration file, read when present and no --config is given. */
    public static final Path DEFAULT_FILE = Path.of("/etc/flowmon.conf");

    private static final String ROOT = "flowmon";
    private static final int NTOP_PEN = 35632;
    private static final int PID_MAX_LIMIT = 4_194_304;
    private static final int MAX_TABLE = 16_777_216;
    private static final long PAGE_SIZE = 4096;
    /** {@code flowmon.export.biflow}'s words: the configuration's names for the exporter's encodings. */
    private static final Map<String, BiflowMode> BIFLOW_WORDS = biflowWords();

    private final Config reference;

    public SettingsLoader() {
        this.reference = ConfigFactory.parseResources(SettingsLoader.class, "/reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** Settings from reference.conf alone. */
    public Settings defaults() throws ConfigError {
        return load(Optional.empty(), ConfigFactory.empty());
    }

    /**
     * @param file      the HOCON file to read, if any (it must exist)
     * @param overrides values from the command line, each with an origin naming its option
     */
    public Settings load(Optional<Path> file, Config overrides) throws ConfigError {
        Config user = file.isPresent() ? parseFile(file.get()) : ConfigFactory.empty();
        Config merged = resolve(overrides.withFallback(user).withFallback(reference));
        // Every key reference.conf defines is known, so an unknown one came from the file or the
        // command line, and its origin points there.
        UnknownKeys.check(merged.root(), reference.root(), "");
        return read(new ConfigReader(merged));
    }

    private Config parseFile(Path file) throws ConfigError {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigError(file + ": cannot read the configuration file (" + (Files.exists(file) ? "not a readable file" : "no such file") + ")");
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigError(syntaxMessage(e));
        }
        return user;
    }

    private static Config resolve(Config config) throws ConfigError {
        try {
            return config.resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigError(syntaxMessage(e));
        }
    }

    /** typesafe-config's messages start with "file: line:"; make that "file:line:" like ours. */
    private static String syntaxMessage(ConfigException e) {
        String message = e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            String kind = e instanceof ConfigException.Parse && !(e instanceof ConfigException.UnresolvedSubstitution) ? "syntax error: " : "";
            return ConfigError.where(e.origin()) + ": " + kind + message.replace('\n', ' ');
        }
        return message.replace('\n', ' ');
    }

    private Settings read(ConfigReader in) throws ConfigError {
        IdentitySettings identity = HostIdentity.read(in, ROOT + ".identity.");
        return new Settings(
                interfaces(in),
                namespaces(in),
                in.enumValue(ROOT + ".directions", TcHooks.class),
                probes(in),
                filter(in),
                flows(in),
                new AttributionSettings(in.bool(ROOT + ".attribution.proc-scan-at-start")),
                new TcpHealthSettings(in.bool(ROOT + ".tcp-health.enabled")),
                export(in, identity),
                outputs(in),
                new StatsSettings(in.duration(ROOT + ".stats.interval", Duration.ofSeconds(1), Duration.ofDays(1))),
                metrics(in),
                identity);
    }

    /** {@code flowmon.metrics.listen}: "" or "HOST:PORT" ("[v6]:PORT" for an IPv6 literal). */
    private static MetricsSettings metrics(ConfigReader in) throws ConfigError {
        String path = ROOT + ".metrics.listen";
        ConfigValue value = in.value(path);
        String text = ConfigReader.string(value, path).trim();
        if (text.isEmpty()) {
            return MetricsSettings.OFF;
        }
        String expected = "expected \"HOST:PORT\" (an address and a TCP port 1..65535, \"[v6]:PORT\" for IPv6), or \"\" for no endpoint, got \""
                + text + "\"";
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw ConfigError.at(value.origin(), path, expected);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw ConfigError.at(value.origin(), path, expected);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ConfigError.at(value.origin(), path, expected);
        }
        if (port < 1 || port > 65535 || !HostNames.isValid(host)) {
            throw ConfigError.at(value.origin(), path, expected);
        }
        return new MetricsSettings(Optional.of(new MetricsSettings.Listen(host, port)));
    }

    private static InterfaceSelection interfaces(ConfigReader in) throws ConfigError {
        String path = ROOT + ".interfaces";
        List<String> names = in.list(path, SettingsLoader::interfaceName);
        ConfigValue value = in.value(path);
        if (names.isEmpty()) {
            throw ConfigError.at(value.origin(), path, "expected [\"all\"] or at least one interface name, got an empty list");
        }
        if (names.contains(InterfaceSelection.ALL)) {
            if (names.size() > 1) {
                throw ConfigError.at(value.origin(), path, "expected [\"all\"] alone or interface names without \"all\", got both");
            }
            return InterfaceSelection.allInterfaces();
        }
        return InterfaceSelection.of(List.copyOf(new LinkedHashSet<>(names)));
    }

    /** {@code flowmon.namespaces}: [] (the daemon's own only), ["all"], or /run/netns names. */
    private static NamespaceSelection namespaces(ConfigReader in) throws ConfigError {
        String path = ROOT + ".namespaces";
        List<String> names = in.list(path, SettingsLoader::namespaceName);
        if (names.contains(NamespaceSelection.ALL)) {
            if (names.size() > 1) {
                throw ConfigError.at(in.value(path).origin(), path,
                        "expected [\"all\"] alone or network namespace names without \"all\", got both");
            }
            return NamespaceSelection.allNamespaces();
        }
        return NamespaceSelection.of(List.copyOf(new LinkedHashSet<>(names)));
    }

    /** Names under /run/netns ({@code ip netns add NAME}): file names of 1..255 bytes, no '/' or white space. */
    private static String namespaceName(ConfigValue value, String path) throws ConfigError {
        String name = ConfigReader.string(value, path);
        if (!name.matches("[^/\\s]{1,255}") || name.equals(".") || name.equals("..")) {
            throw ConfigError.at(value.origin(), path, "expected \"all\" or the name of a network namespace under"
                    + " /run/netns (1 to 255 characters without '/' or spaces), got \"" + name + "\"");
        }
        return name;
    }

    /** Linux interface names: 1..15 bytes (IFNAMSIZ - 1), no '/', ':' or white space, not "." or "..". */
    private static String interfaceName(ConfigValue value, String path) throws ConfigError {
        String name = ConfigReader.string(value, path);
        if (!name.matches("[^/:\\s]{1,15}") || name.equals(".") || name.equals("..")) {
            throw ConfigError.at(value.origin(), path,
                    "expected an interface name of 1 to 15 characters without '/', ':' or spaces, got \"" + name + "\"");
        }
        return name;
    }

    private static ProbeSettings probes(ConfigReader in) throws ConfigError {
        String p = ROOT + ".probes.";
        long ring = in.bytes(p + "ring-buffer-size", PAGE_SIZE, 1L << 30);
        if (Long.bitCount(ring) != 1) {
            ConfigValue value = in.value(p + "ring-buffer-size");
            throw ConfigError.at(value.origin(), p + "ring-buffer-size",
                    "expected a power of two (the kernel requires it), such as 256K or 1M, got " + ConfigReader.describe(value));
        }
        return new ProbeSettings(
                in.enumValue(p + "syscall-hook", HookVariant.class),
                (int) ring,
                in.duration(p + "ring-poll-interval", Duration.ofMillis(1), Duration.ofSeconds(10)),
                in.intIn(p + "tc-map-entries", 1024, MAX_TABLE),
                in.duration(p + "tc-scan-interval", Duration.ofMillis(10), Duration.ofSeconds(60)),
                in.enumValue(p + "tc-attach", TcAttachMode.class),
                in.intIn(p + "tc-priority", 1, 65535),
                in.intIn(p + "owner-map-entries", 1024, MAX_TABLE));
    }

    private static FilterSettings filter(ConfigReader in) throws ConfigError {
        String p = ROOT + ".filter.";
        List<Integer> pids = in.list(p + "pids", (v, key) -> (int) ConfigReader.wholeNumber(v, key, 1, PID_MAX_LIMIT));
        List<Integer> ports = in.list(p + "ports", (v, key) -> (int) ConfigReader.wholeNumber(v, key, 1, 65535));
        return new FilterSettings(new LinkedHashSet<>(pids), new LinkedHashSet<>(ports), portRange(in, p + "port-range"));
    }

    private static Optional<PortRange> portRange(ConfigReader in, String path) throws ConfigError {
        ConfigValue value = in.value(path);
        String text = ConfigReader.string(value, path).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<PortRange> range = PortRanges.parse(text);
        if (range.isEmpty()) {
            throw ConfigError.at(value.origin(), path,
                    "expected \"LO-HI\" with 1 <= LO <= HI <= 65535, or \"\" for none, got \"" + text + "\"");
        }
        return range;
    }

    private static FlowSettings flows(ConfigReader in) throws ConfigError {
        String p = ROOT + ".flows.";
        Duration idle = in.duration(p + "idle-timeout", Duration.ofSeconds(1), Duration.ofDays(1));
        Duration active = in.duration(p + "active-timeout", Duration.ofSeconds(1), Duration.ofDays(7));
        if (active.compareTo(idle) < 0) {
            ConfigValue value = in.value(p + "active-timeout");
            throw ConfigError.at(value.origin(), p + "active-timeout",
                    "expected at least idle-timeout (" + ConfigReader.human(idle) + "), got " + ConfigReader.describe(value));
        }
        return new FlowSettings(
                in.intIn(p + "max-flows", 1, MAX_TABLE),
                in.intIn(p + "max-syscall-flows", 1, MAX_TABLE),
                idle,
                active,
                in.duration(p + "fin-linger", Duration.ZERO, Duration.ofMinutes(1)));
    }

    private static ExportSettings export(ConfigReader in, IdentitySettings identity) throws ConfigError {
        String p = ROOT + ".export.";
        long enterprise = in.wholeNumber(p + "enterprise-id", 1, 0xFFFF_FFFFL);
        if (enterprise == NTOP_PEN) {
            throw ConfigError.at(in.value(p + "enterprise-id").origin(), p + "enterprise-id",
                    "expected flowmond's own enterprise number, got 35632 (ntop's, whose element ids mean other things)");
        }
        List<WrittenCollector> written = in.list(p + "collectors", SettingsLoader::collector);
        long observationDomain = HostIdentity.observationDomain(in, p + "observation-domain-id", identity);
        int mtu = in.intIn(p + "mtu", 576, 65535);
        Duration templateRefresh = in.duration(p + "template-refresh", Duration.ofSeconds(1), Duration.ofDays(1));
        int templateRefreshMessages = in.intIn(p + "template-refresh-messages", 0, 1_000_000);
        BiflowMode biflow = in.choice(p + "biflow", BIFLOW_WORDS);
        int sendQueueLimit = in.intIn(p + "send-queue-limit", 1, 1_000_000);
        int collectorBuffer = in.intIn(p + "collector-buffer", 1, 1_000_000);
        Optional<TlsFiles> tls = tls(in, written);
        List<Collector> collectors = written.stream().map(c -> c.with(collectorBuffer, tls)).toList();
        return new ExportSettings(collectors, observationDomain, mtu, templateRefresh, templateRefreshMessages,
                enterprise, biflow, sendQueueLimit, collectorBuffer, tls);
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
                : Transport.UDP; // an entry without transport is UDP, as before TCP/TLS existed
        return new WrittenCollector(host, port, transport);
    }

    /**
     * The TLS files: all three or none. Needed when a collector uses TLS; when given, each must be a
     * readable file and together they must make a TLS client (PEM certificate chain, PKCS#8 key,
     * CA certificates), so a bad file stops the start rather than every connection.
     */
    private static Optional<TlsFiles> tls(ConfigReader in, List<WrittenCollector> collectors) throws ConfigError {
        String p = ROOT + ".export.tls.";
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
                String key = ROOT + ".export.collectors[" + tlsCollector + "].transport";
                throw ConfigError.at(collectorOrigin(in, tlsCollector), key,
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

    private static ConfigOrigin collectorOrigin(ConfigReader in, int index) throws ConfigError {
        ConfigValue list = in.value(ROOT + ".export.collectors");
        ConfigValue entry = ((ConfigList) list).get(index);
        ConfigValue transport = entry instanceof ConfigObject o && o.containsKey("transport") ? o.get("transport") : entry;
        return transport.origin();
    }

    private static OutputSettings outputs(ConfigReader in) throws ConfigError {
        String p = ROOT + ".outputs.";
        return new OutputSettings(outputFile(in, p + "table-file"), outputFile(in, p + "json-file"),
                outputFile(in, p + "ipfix-file"), KafkaSettingsReader.read(in, p + "kafka."));
    }

    /** "" for none; otherwise a file whose directory exists (checked now so --check-config catches it). */
    private static Optional<Path> outputFile(ConfigReader in, String path) throws ConfigError {
        ConfigValue value = in.value(path);
        String text = ConfigReader.string(value, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Path file;
        try {
            file = Path.of(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw ConfigError.at(value.origin(), path, "expected a file path, got \"" + text + "\"");
        }
        if (Files.isDirectory(file)) {
            throw ConfigError.at(value.origin(), path, "expected a file, got the directory \"" + text + "\"");
        }
        Path directory = file.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw ConfigError.at(value.origin(), path, "expected a file in an existing directory, got \"" + text + "\"");
        }
        return Optional.of(file);
    }
}
