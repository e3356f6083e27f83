package org.flowmond.daemon.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;

/**
 * Rejects keys that reference.conf does not define, so a typo ({@code idle-timout}) is an error
 * rather than a silently ignored line. Lists of objects (the collectors) are checked against the
 * keys of reference.conf's first element.
 */
final class UnknownKeys {

    private UnknownKeys() {
    }

    /** Throws for the first key of {@code user} that {@code reference} lacks, or a section given as a plain value. */
    static void check(ConfigObject user, ConfigObject reference, String prefix) throws ConfigError {
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String key = prefix.isEmpty() ? quoteIfNeeded(entry.getKey()) : prefix + "." + quoteIfNeeded(entry.getKey());
            ConfigValue value = entry.getValue();
            ConfigValue known = reference.get(entry.getKey());
            if (known == null) {
                throw ConfigError.at(value.origin(), key, "unknown key" + suggestion(entry.getKey(), reference, prefix));
            }
            checkValue(value, known, key);
        }
    }

    private static void checkValue(ConfigValue value, ConfigValue known, String key) throws ConfigError {
        if (known.valueType() == ConfigValueType.OBJECT) {
            if (value.valueType() != ConfigValueType.OBJECT) {
                throw ConfigError.at(value.origin(), key, "expected a section { ... }, got " + ConfigReader.describe(value));
            }
            if (!((ConfigObject) known).isEmpty()) { // an empty section is a free map (Kafka's producer properties)
                check((ConfigObject) value, (ConfigObject) known, key);
            }
        } else if (known.valueType() == ConfigValueType.LIST && value.valueType() == ConfigValueType.LIST) {
            checkListOfObjects((ConfigList) value, (ConfigList) known, key);
        }
    }

    private static void checkListOfObjects(ConfigList values, ConfigList known, String key) throws ConfigError {
        if (known.isEmpty() || known.get(0).valueType() != ConfigValueType.OBJECT) {
            return;
        }
        ConfigObject template = (ConfigObject) known.get(0);
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).valueType() == ConfigValueType.OBJECT) {
                check((ConfigObject) values.get(i), template, key + "[" + i + "]");
            }
        }
    }

    /** " (did you mean flowmon.flows.idle-timeout?)" when a defined sibling is within two edits. */
    private static String suggestion(String key, ConfigObject reference, String prefix) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : reference.keySet()) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null) {
            return "";
        }
        return " (did you mean " + (prefix.isEmpty() ? best : prefix + "." + best) + "?)";
    }

    /** Levenshtein distance; keys are short, so the quadratic table is fine. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String quoteIfNeeded(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
    }
}
