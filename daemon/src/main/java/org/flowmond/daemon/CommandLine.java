package org.flowmond.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.daemon.config.ConfigError;

/**
 * The command line: the seed tool's options ({@code -p -P -R -f}) plus the daemon's. Values that
 * override configuration keys become a typesafe {@link Config} whose origin names the option, so a
 * bad value is reported like a bad line of the file ("command line option -P: flowmon.filter.ports[1]: ...").
 *
 * @param configFile  {@code --config FILE}, if given
 * @param overrides   keys set by options; stronger than the file
 * @param checkConfig {@code --check-config}: validate, print the result, exit
 * @param version     {@code --version}
 * @param help        {@code --help}
 */
public record CommandLine(Optional<Path> configFile, Config overrides, boolean checkConfig,
                          boolean version, boolean help) {

    public static final String USAGE = """
            Usage: flowmond [options]
              --config FILE          configuration file (default: /etc/flowmon.conf if it exists)
              -p PID[,PID...]        only flows of these processes            (flowmon.filter.pids)
              -P PORT[,PORT...]      only flows with one of these ports        (flowmon.filter.ports)
              -R LO-HI               only flows with a port in LO..HI; LO,HI too (flowmon.filter.port-range)
              -f FILE                write the connect/accept tables to FILE at exit (flowmon.outputs.table-file)
              -i IFACE               count packets on IFACE; repeatable; "all" for every interface (flowmon.interfaces)
              --collector HOST:PORT  IPFIX collector over UDP; repeatable; IPv6 as [::1]:4739 (flowmon.export.collectors)
              --json FILE            flow records as JSON lines with nProbe field names (flowmon.outputs.json-file)
              --check-config         validate the configuration, print it, and exit (0 valid, 78 invalid)
              --version              print the version and exit
              -h, --help             print this help and exit
            Signals: SIGHUP reloads the configuration; SIGINT/SIGTERM flush every flow and exit.
            """;

    /** @throws UsageError for an unknown option or a missing argument; ConfigError for a malformed --collector */
    public static CommandLine parse(String... args) throws UsageError, ConfigError {
        Parser parser = new Parser(args);
        parser.run();
        return new CommandLine(parser.configFile, parser.overrides(), parser.checkConfig, parser.version, parser.help);
    }

    /** Walks the arguments once; options may be written "-p 1" or "-p1", "--json F" or "--json=F". */
    private static final class Parser {
        private final String[] args;
        private int next;
        private Optional<Path> configFile = Optional.empty();
        private boolean checkConfig;
        private boolean version;
        private boolean help;
        private final Map<String, Map<String, Object>> byOption = new LinkedHashMap<>();
        private final List<Object> pids = new ArrayList<>();
        private final List<Object> interfaces = new ArrayList<>();
        private final List<Object> collectors = new ArrayList<>();

        Parser(String[] args) {
            this.args = args;
        }

        void run() throws UsageError, ConfigError {
            while (next < args.length) {
                String arg = args[next++];
                String name = optionName(arg);
                switch (name) {
                    case "--config" -> configFile = Optional.of(Path.of(value(arg, name)));
                    case "-p" -> pids.addAll(numbers(value(arg, name)));
                    case "-P" -> set("-P", "flowmon.filter.ports", numbers(value(arg, name)));
                    case "-R" -> set("-R", "flowmon.filter.port-range", value(arg, name));
                    case "-f" -> set("-f", "flowmon.outputs.table-file", value(arg, name));
                    case "--json" -> set("--json", "flowmon.outputs.json-file", value(arg, name));
                    case "-i" -> interfaces.add(value(arg, name));
                    case "--collector" -> collectors.add(collector(value(arg, name)));
                    case "--check-config" -> checkConfig = true;
                    case "--version" -> version = true;
                    case "-h", "--help" -> help = true;
                    default -> throw new UsageError("unknown option " + arg + " (see flowmond --help)");
                }
            }
        }

        /** "-p123" → "-p", "--json=x" → "--json"; anything else as is. */
        private static String optionName(String arg) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                return eq > 0 ? arg.substring(0, eq) : arg;
            }
            if (arg.startsWith("-") && arg.length() > 2 && "pPRfi".indexOf(arg.charAt(1)) >= 0) {
                return arg.substring(0, 2);
            }
            return arg;
        }

        private String value(String arg, String name) throws UsageError {
            if (arg.length() > name.length()) {
                return arg.startsWith("--") ? arg.substring(name.length() + 1) : arg.substring(name.length());
            }
            if (next >= args.length) {
                throw new UsageError("option " + name + " needs a value (see flowmond --help)");
            }
            return args[next++];
        }

        private void set(String option, String key, Object value) {
            byOption.put(option, Map.of(key, value));
        }

        Config overrides() {
            if (!pids.isEmpty()) {
                set("-p", "flowmon.filter.pids", pids);
            }
            if (!interfaces.isEmpty()) {
                set("-i", "flowmon.interfaces", interfaces);
            }
            if (!collectors.isEmpty()) {
                set("--collector", "flowmon.export.collectors", collectors);
            }
            Config config = ConfigFactory.empty();
            for (Map.Entry<String, Map<String, Object>> e : byOption.entrySet()) {
                config = config.withFallback(ConfigFactory.parseMap(e.getValue(), "command line option " + e.getKey()));
            }
            return config;
        }

        /** "1,2,x" → [1, 2, "x"]: numbers where they parse, the rest left for validation to name. */
        private static List<Object> numbers(String list) {
            List<Object> values = new ArrayList<>();
            for (String item : list.split(",", -1)) {
                String trimmed = item.trim();
                try {
                    values.add(Integer.parseInt(trimmed));
                } catch (NumberFormatException e) {
                    values.add(trimmed);
                }
            }
            return values;
        }

        /** HOST:PORT or [IPv6]:PORT. */
        private static Map<String, Object> collector(String text) throws ConfigError {
            String host;
            String port;
            if (text.startsWith("[")) {
                int close = text.indexOf("]:");
                if (close < 0) {
                    throw badCollector(text);
                }
                host = text.substring(1, close);
                port = text.substring(close + 2);
            } else {
                int colon = text.lastIndexOf(':');
                if (colon <= 0 || text.indexOf(':') != colon) {
                    throw badCollector(text);
                }
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
            Map<String, Object> collector = new LinkedHashMap<>();
            collector.put("host", host);
            collector.put("port", port.matches("\\d{1,9}") ? (Object) Integer.parseInt(port) : port);
            return collector;
        }

        private static ConfigError badCollector(String text) {
            return new ConfigError("command line option --collector: flowmon.export.collectors: "
                    + "expected HOST:PORT or [IPv6]:PORT, got \"" + text + "\"");
        }
    }
}
