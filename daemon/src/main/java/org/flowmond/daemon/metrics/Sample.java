package org.flowmond.daemon.metrics;

/**
 * Where one statistic goes: its family and the value of the family's label (null without one).
 */
public record Sample(Family family, String labelValue) {
}
