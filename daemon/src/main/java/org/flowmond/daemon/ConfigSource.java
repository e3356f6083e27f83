package org.flowmond.daemon;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.flowmond.daemon.config.ConfigError;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;

/**
 * Where the settings come from, kept so SIGHUP can read them again: the --config file (or the
 * default file when it exists at that moment) and the command-line overrides.
 *
 * @param explicitFile {@code --config FILE}, if given
 * @param defaultFile  read when no --config is given and it exists ({@code /etc/flowmon.conf})
 * @param overrides    command-line options, stronger than the file
 */
record ConfigSource(Optional<Path> explicitFile, Path defaultFile, Config overrides) {

    static ConfigSource of(CommandLine commandLine) {
        return new ConfigSource(commandLine.configFile(), SettingsLoader.DEFAULT_FILE, commandLine.overrides());
    }

    Optional<Path> file() {
        return explicitFile.or(() -> Files.exists(defaultFile) ? Optional.of(defaultFile) : Optional.empty());
    }

    Settings load() throws ConfigError {
        return new SettingsLoader().load(file(), overrides);
    }

    /** For messages: the file read, or that only defaults apply. */
    String describe() {
        return file().map(Path::toString).orElse("defaults (no " + defaultFile + ")");
    }
}
