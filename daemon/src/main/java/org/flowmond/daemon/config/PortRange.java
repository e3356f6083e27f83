package org.flowmond.daemon.config;

/**
 * An inclusive port range, written {@code "LO-HI"} in the configuration and {@code -R LO-HI}
 * (or the seed tool's {@code LO,HI}) on the command line.
 */
public record PortRange(int low, int high) {

    public PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("need 1 <= LO <= HI <= 65535, got " + low + "-" + high);
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
