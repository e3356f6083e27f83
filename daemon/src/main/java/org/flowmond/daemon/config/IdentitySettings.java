package org.flowmond.daemon.config;

import java.util.Objects;

/**
 * {@code flowmon.identity.*}: which host the records come from, as JSON and Kafka records name it.
 * Resolved at load time: an empty setting is the host's own value.
 *
 * @param hostName  {@code host-name}: this host's name (the kernel's, from /proc/sys/kernel/hostname, when "")
 * @param machineId {@code machine-id}: 32 lower-case hex digits (/etc/machine-id when ""); "" when the host has none
 */
public record IdentitySettings(String hostName, String machineId) {

    public IdentitySettings {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(machineId, "machineId");
    }

    /**
     * An IPFIX observation domain from the machine id: its first 32 bits (the first 8 hex digits).
     * Distinct for practically every pair of hosts (systemd draws the id at random); for 1,000
     * hosts the chance that two share a domain is about 1 in 10,000.
     */
    public long derivedObservationDomain() {
        if (machineId.length() < 8) {
            throw new IllegalStateException("no machine id");
        }
        return Long.parseLong(machineId.substring(0, 8), 16);
    }
}
