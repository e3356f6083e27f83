package org.flowmond.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, range-checked reads from a merged configuration. Every failure is a {@link ConfigError}
 * naming the place the offending value came from (file:line or command-line option), the key and
 * what was expected; typesafe-config's own exceptions never reach the user.
 */
final class ConfigReader {

    private final Config config;

    ConfigReader(Config config) {
        this.config = config;
    }

    /** The raw value at {@code path}, null values included (they carry an origin too). */
    ConfigValue value(String path) throws ConfigError {
        ConfigValue current = config.root();
        for (String key : ConfigUtil.splitPath(path)) {
            if (!(current instanceof ConfigObject object) || !object.containsKey(key)) {
                throw new ConfigError("configuration: " + path + ": missing (reference.conf is incomplete)");
            }
            current = object.get(key);
        }
        return current;
    }

    long wholeNumber(String path, long min, long max) throws ConfigError {
        return wholeNumber(value(path), path, min, max);
    }

    int intIn(String path, int min, int max) throws ConfigError {
        return (int) wholeNumber(path, min, max);
    }

    static long wholeNumber(ConfigValue value, String path, long min, long max) throws ConfigError {
        String expected = "expected a whole number from " + min + " to " + max;
        Long number = asLong(value);
        if (number == null) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        if (number < min || number > max) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + number);
        }
        return number;
    }

    /** Integral numbers, and strings holding one (what ${?ENV} substitutions produce). */
    private static Long asLong(ConfigValue value) {
        Object raw = value.unwrapped();
        if (value.valueType() == ConfigValueType.NUMBER && (raw instanceof Integer || raw instanceof Long)) {
            return ((Number) raw).longValue();
        }
        if (value.valueType() == ConfigValueType.STRING) {
            try {
                return Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A duration written with its unit; a bare number (typesafe-config's milliseconds) is refused as a likely mistake. */
    Duration duration(String path, Duration min, Duration max) throws ConfigError {
        ConfigValue value = value(path);
        String expected = "expected a duration from " + human(min) + " to " + human(max) + " with a unit, such as 500ms, 30s or 5m";
        if (value.valueType() != ConfigValueType.STRING) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        Duration duration;
        try {
            duration = config.getDuration(path);
        } catch (ConfigException e) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        return duration;
    }

    /** A size in bytes: a number, or a string with a unit such as 256K or 1M (powers of 1024). */
    long bytes(String path, long min, long max) throws ConfigError {
        ConfigValue value = value(path);
        String expected = "expected a size from " + min + " to " + max + " bytes, such as 256K or 1M";
        long bytes;
        try {
            if (value.valueType() != ConfigValueType.STRING && value.valueType() != ConfigValueType.NUMBER) {
                throw new ConfigException.BadValue(path, "not a size");
            }
            bytes = config.getBytes(path);
        } catch (ConfigException e) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        if (bytes < min || bytes > max) {
            throw ConfigError.at(value.origin(), path, expected + ", got " + describe(value));
        }
        return bytes;
    }

    boolean bool(String path) throws ConfigError {
        ConfigValue value = value(path);
        if (value.valueType() == ConfigValueType.BOOLEAN) {
            return (Boolean) value.unwrapped();
        }
        if (value.valueType() == ConfigValueType.STRING) {
            switch (((String) value.unwrapped()).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        throw ConfigError.at(value.origin(), path, "expected true or false, got " + describe(value));
    }

    String string(String path) throws ConfigError {
        return string(value(path), path);
    }

    static String string(ConfigValue value, String path) throws ConfigError {
        if (value.valueType() != ConfigValueType.STRING) {
            throw ConfigError.at(value.origin(), path, "expected a string, got " + describe(value));
        }
        return (String) value.unwrapped();
    }

    /** One of the enum's constants, written in lower case in the configuration. */
    <E extends Enum<E>> E enumValue(String path, Class<E> type) throws ConfigError {
        return enumValue(value(path), path, type);
    }

    /** As {@link #enumValue(String, Class)} for a value inside a list or object. */
    static <E extends Enum<E>> E enumValue(ConfigValue value, String path, Class<E> type) throws ConfigError {
        Map<String, E> words = new LinkedHashMap<>();
        for (E constant : type.getEnumConstants()) {
            words.put(constant.name().toLowerCase(Locale.ROOT), constant);
        }
        return choice(value, path, words);
    }

    /** One of {@code words} (case-insensitive), for a value whose configuration words are not its type's constant names. */
    <E> E choice(String path, Map<String, E> words) throws ConfigError {
        return choice(value(path), path, words);
    }

    private static <E> E choice(ConfigValue value, String path, Map<String, E> words) throws ConfigError {
        if (value.valueType() == ConfigValueType.STRING) {
            E chosen = words.get(((String) value.unwrapped()).trim().toLowerCase(Locale.ROOT));
            if (chosen != null) {
                return chosen;
            }
        }
        throw ConfigError.at(value.origin(), path,
                "expected one of " + String.join(", ", words.keySet()) + ", got " + describe(value));
    }

    /** A list; {@code element} reads each item with its own origin and indexed key ({@code key[2]}). */
    <T> List<T> list(String path, ElementReader<T> element) throws ConfigError {
        ConfigValue value = value(path);
        if (value.valueType() != ConfigValueType.LIST) {
            throw ConfigError.at(value.origin(), path, "expected a list [ ... ], got " + describe(value));
        }
        List<T> items = new ArrayList<>();
        ConfigList list = (ConfigList) value;
        for (int i = 0; i < list.size(); i++) {
            items.add(element.read(list.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    @FunctionalInterface
    interface ElementReader<T> {
        T read(ConfigValue value, String path) throws ConfigError;
    }

    /** How a value appears in a message: strings quoted, others as written, with their type. */
    static String describe(ConfigValue value) {
        return switch (value.valueType()) {
            case STRING -> "\"" + value.unwrapped() + "\"";
            case NULL -> "null";
            case LIST -> "a list";
            case OBJECT -> "an object { ... }";
            case BOOLEAN, NUMBER -> value.render();
        };
    }

    /** 1d, 5m, 30s, 500ms: the largest unit that divides the duration. */
    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000L == 0 && millis != 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0 && millis != 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0 && millis != 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }
}
