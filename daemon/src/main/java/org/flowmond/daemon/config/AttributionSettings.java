package org.flowmond.daemon.config;

/**
 * {@code flowmon.attribution.*}: how flows are attributed to processes.
 *
 * @param procScanAtStart {@code proc-scan-at-start}: attribute connections opened before start via /proc
 */
public record AttributionSettings(boolean procScanAtStart) {
}
