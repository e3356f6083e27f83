package org.flowmond.daemon.config;

import java.time.Duration;

/**
 * {@code flowmon.stats.*}.
 *
 * @param interval how often counters are logged, sent as systemd STATUS= and exported as options records
 */
public record StatsSettings(Duration interval) {
}
