package org.flowmond.daemon.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code flowmon.identity.*} and the {@code "machine-id"} form of {@code export.observation-domain-id}:
 * a setting of "" is the host's own value, read once per load (so a reload sees a renamed host).
 */
final class HostIdentity {
    static final Path MACHINE_ID = Path.of("/etc/machine-id");
    static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");
    private static final String MACHINE_ID_WORD = "machine-id";

    private HostIdentity() {
    }

    static IdentitySettings read(ConfigReader in, String prefix) throws ConfigError {
        String hostName = in.string(prefix + "host-name").trim();
        if (hostName.isEmpty()) {
            hostName = systemHostName();
        }
        ConfigValue idValue = in.value(prefix + "machine-id");
        String machineId = ConfigReader.string(idValue, prefix + "machine-id").trim().toLowerCase(Locale.ROOT);
        if (machineId.isEmpty()) {
            machineId = systemMachineId();
        } else if (!isMachineId(machineId)) {
            throw ConfigError.at(idValue.origin(), prefix + "machine-id",
                    "expected 32 hexadecimal digits (the format of /etc/machine-id) or \"\" for this host's, got "
                            + ConfigReader.describe(idValue));
        }
        return new IdentitySettings(hostName, machineId);
    }

    /** A number, or "machine-id": the first 32 bits of the host's machine id. */
    static long observationDomain(ConfigReader in, String path, IdentitySettings identity) throws ConfigError {
        ConfigValue value = in.value(path);
        if (value.valueType() == ConfigValueType.STRING
                && MACHINE_ID_WORD.equals(((String) value.unwrapped()).trim().toLowerCase(Locale.ROOT))) {
            if (identity.machineId().isEmpty()) {
                throw ConfigError.at(value.origin(), path, "cannot derive the domain from the machine id: "
                        + MACHINE_ID + " is missing or not 32 hex digits, and flowmon.identity.machine-id is not set");
            }
            return identity.derivedObservationDomain();
        }
        try {
            return ConfigReader.wholeNumber(value, path, 0, 0xFFFF_FFFFL);
        } catch (ConfigError e) {
            throw ConfigError.at(value.origin(), path, "expected a whole number from 0 to 4294967295 or \"machine-id\", got "
                    + ConfigReader.describe(value));
        }
    }

    static boolean isMachineId(String s) {
        return s.matches("[0-9a-f]{32}");
    }

    /** The kernel's host name (this UTS namespace's), as hostname(1) prints it. */
    private static String systemHostName() {
        try {
            String name = Files.readString(HOST_NAME, StandardCharsets.US_ASCII).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux, or /proc not mounted: ask the JDK instead
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** /etc/machine-id, or "" when the host has none (a container without one): the field is then left out. */
    private static String systemMachineId() {
        try {
            String id = Files.readString(MACHINE_ID, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            return isMachineId(id) ? id : "";
        } catch (IOException e) {
            return "";
        }
    }
}
