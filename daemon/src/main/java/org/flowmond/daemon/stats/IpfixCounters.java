package org.flowmond.daemon.stats;

import org.flowmond.ipfix.ExporterStatistics;

/** The IPFIX exporter's counters, its collectors' included. */
public record IpfixCounters(ExporterStatistics exporter) implements OutputCounters {
}
