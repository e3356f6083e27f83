package org.flowmond.daemon.config;

import com.typesafe.config.ConfigOrigin;

/**
 * A configuration that cannot be used, explained in one line: where (file and line, or the
 * command-line option), which key, and what was expected. The daemon prints the message as is
 * and exits with {@link #EXIT_STATUS}; a reload logs it and keeps the running settings.
 */
public final class ConfigError extends Exception {

    /** sysexits.h EX_CONFIG: the unit's RestartPreventExitStatus. */
    public static final int EXIT_STATUS = 78;

    public ConfigError(String message) {
        super(message, null, false, false);
    }

    /** {@code <where>: <key>: <problem>}. */
    public static ConfigError at(ConfigOrigin origin, String key, String problem) {
        return new ConfigError(where(origin) + ": " + key + ": " + problem);
    }

    /** {@code file:line} for a file, otherwise typesafe-config's description (e.g. "command line option -p"). */
    public static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "configuration";
        }
        if (origin.filename() != null) {
            return origin.lineNumber() > 0 ? origin.filename() + ":" + origin.lineNumber() : origin.filename();
        }
        if (origin.resource() != null) {
            return origin.lineNumber() > 0 ? origin.resource() + ":" + origin.lineNumber() : origin.resource();
        }
        return origin.description();
    }
}
