package org.flowmond.daemon.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code "LO-HI"} (and the seed tool's {@code "LO,HI"}) into a {@link PortRange}. */
public final class PortRanges {

    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,5})\\s*[-,]\\s*(\\d{1,5})\\s*");

    private PortRanges() {
    }

    /** Empty when the text is not two ports with 1 <= LO <= HI <= 65535. */
    public static Optional<PortRange> parse(String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int low = Integer.parseInt(m.group(1));
        int high = Integer.parseInt(m.group(2));
        if (low < 1 || high > 65535 || low > high) {
            return Optional.empty();
        }
        return Optional.of(new PortRange(low, high));
    }
}
