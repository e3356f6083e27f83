package org.flowmond.daemon.config;

import com.typesafe.config.ConfigValue;
import java.util.LinkedHashSet;
import java.util.List;

/** Reads and checks which interfaces and which network namespaces the TC program attaches to. */
final class SelectionReader {
    private SelectionReader() {
    }

    /** {@code flowmon.interfaces}: ["all"] or interface names (the same name twice counts once). */
    static InterfaceSelection interfaces(ConfigReader in, String path) throws ConfigError {
        List<String> names = in.list(path, SelectionReader::interfaceName);
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
    static NamespaceSelection namespaces(ConfigReader in, String path) throws ConfigError {
        List<String> names = in.list(path, SelectionReader::namespaceName);
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
}
