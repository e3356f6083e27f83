package org.flowmond.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.tc.TcAttachMode;

/**
 * Turns reference.conf, the configuration file and the command-line overrides (strongest first:
 * command line, file, reference.conf) into validated {@link Settings}. Every problem is a
 * one-line {@link ConfigError}; the ranges below are the ones reference.conf documents.
 */
public final class SettingsLoader {

    /** The installed configuration file, read when present and no --config is given. */
    public static final Path DEFAULT_FILE = Path.of("/etc/flowmon.conf");

    private static final String ROOT = "flowmon";
    private static final int PID_MAX_LIMIT = 4_194_304;
    private static final int MAX_TABLE = 16_777_216;
    private static final long PAGE_SIZE = 4096;

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
                SelectionReader.interfaces(in, ROOT + ".interfaces"),
                SelectionReader.namespaces(in, ROOT + ".namespaces"),
                in.enumValue(ROOT + ".directions", TcHooks.class),
                probes(in),
                filter(in),
                flows(in),
                new AttributionSettings(in.bool(ROOT + ".attribution.proc-scan-at-start")),
                new TcpHealthSettings(in.bool(ROOT + ".tcp-health.enabled")),
                ExportSettingsReader.read(in, ROOT + ".export.", identity),
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
