package org.flowmond.daemon.metrics;

/**
 * One Prometheus metric family that daemon statistics are written into.
 *
 * @param name    the name without the {@code _total} a counter gets in the exposition
 * @param counter true for a counter (only ever grows, except at a restart), false for a gauge
 * @param help    the HELP text
 * @param label   the label that tells the family's statistics apart (collector, reason, part), or null
 * @param scale   factor from the statistic's value to the metric's unit (0.001 for milliseconds to seconds)
 * @param generic true for a family derived from an unmapped statistics key (see {@link StatisticNames})
 */
public record Family(String name, boolean counter, String help, String label, double scale, boolean generic) {

    static Family counter(String name, String help) {
        return new Family(name, true, help, null, 1, false);
    }

    static Family counter(String name, String label, String help) {
        return new Family(name, true, help, label, 1, false);
    }

    static Family gauge(String name, String help) {
        return new Family(name, false, help, null, 1, false);
    }

    static Family gauge(String name, String label, String help) {
        return new Family(name, false, help, label, 1, false);
    }

    /** A gauge in seconds from a statistic in milliseconds. */
    static Family millisAsSeconds(String name, String label, String help) {
        return new Family(name, false, help, label, 0.001, false);
    }
}
