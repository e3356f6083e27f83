package org.flowmond.ipfix.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.ExporterSettings;

/** Exporter settings for tests: everything explicit, changed through withers. */
public record Settings(List<Collector> collectors, long domain, int mtu, Duration refresh, int refreshMessages,
                       Duration statistics, long pen, BiflowMode mode, int queue, Optional<Path> file) {

    public static Settings to(Collector... collectors) {
        return new Settings(List.of(collectors), 7, 1500, Duration.ofMinutes(10), 0, Duration.ofMinutes(10), 32473,
                BiflowMode.NPROBE, 100_000, Optional.empty());
    }

    public static Settings toFile(Path file) {
        return to().withFile(file);
    }

    public Settings withMode(BiflowMode m) {
        return new Settings(collectors, domain, mtu, refresh, refreshMessages, statistics, pen, m, queue, file);
    }

    public Settings withMtu(int m) {
        return new Settings(collectors, domain, m, refresh, refreshMessages, statistics, pen, mode, queue, file);
    }

    public Settings withRefresh(Duration interval, int messages) {
        return new Settings(collectors, domain, mtu, interval, messages, statistics, pen, mode, queue, file);
    }

    public Settings withStatistics(Duration interval) {
        return new Settings(collectors, domain, mtu, refresh, refreshMessages, interval, pen, mode, queue, file);
    }

    public Settings withQueue(int capacity) {
        return new Settings(collectors, domain, mtu, refresh, refreshMessages, statistics, pen, mode, capacity, file);
    }

    public Settings withFile(Path f) {
        return new Settings(collectors, domain, mtu, refresh, refreshMessages, statistics, pen, mode, queue,
                Optional.of(f));
    }

    public ExporterSettings build() {
        return new ExporterSettings(collectors, domain, mtu, refresh, refreshMessages, statistics, pen, mode, queue,
                file);
    }
}
