package org.flowmond.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flowmond.daemon.output.SeedTables;
import org.flowmond.daemon.config.ConfigError;
import org.flowmond.daemon.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon's main loop, on the main thread: waits for signals, reloads on SIGHUP
 * (a bad configuration keeps the running one), logs statistics (and then trims the C heap if it
 * grew, {@link NativeHeap}) and pings the systemd watchdog on time, and on SIGTERM/SIGINT closes the
 * service (flushing every flow) and writes the tables.
 */
final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final ConfigSource source;
    private final Service service;
    private final Signals signals;
    private final Optional<SdNotify> notify;
    private final Optional<Duration> watchdog;
    private final PrintStream foregroundOut;
    /** Made at the first statistics log: nothing of it on the start-up path. */
    private NativeHeap nativeHeap;
    private Settings settings;

    /**
     * @param foregroundOut where the tables go at exit when no table file is set; null when run
     *                      as a service (the tables then go nowhere, as reference.conf says)
     */
    Daemon(ConfigSource source, Settings settings, Service service, Signals signals,
           Optional<SdNotify> notify, Optional<Duration> watchdog, PrintStream foregroundOut) {
        this.source = source;
        this.settings = settings;
        this.service = service;
        this.signals = signals;
        this.notify = notify;
        this.watchdog = watchdog;
        this.foregroundOut = foregroundOut;
    }

    /** Runs until SIGTERM/SIGINT; returns the exit status (0 after a clean shutdown). */
    int run() throws InterruptedException {
        notifySafely(n -> n.ready("running: " + summary()));
        LOG.info("running with {}; {}", source.describe(), summary());
        long nextStats = System.nanoTime() + settings.stats().interval().toNanos();
        long nextWatchdog = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (watchdog.isPresent() && now - nextWatchdog >= 0) {
                notifySafely(SdNotify::watchdog);
                nextWatchdog = now + watchdog.orElseThrow().toNanos();
            }
            if (now - nextStats >= 0) {
                logStatistics();
                trimNativeHeap();
                nextStats = now + settings.stats().interval().toNanos();
            }
            long waitNanos = Math.min(nextStats - now, watchdog.isPresent() ? nextWatchdog - now : Long.MAX_VALUE);
            Signals.Event event = signals.next(Math.max(1, waitNanos / 1_000_000));
            if (event == null) {
                continue;
            }
            if (event.request() == Signals.Request.STOP) {
                return shutDown(event.signal());
            }
            reload();
        }
    }

    private void reload() {
        LOG.info("SIGHUP: reloading the configuration from {}", source.describe());
        notifySafely(SdNotify::reloading);
        String outcome;
        try {
            Settings newSettings = source.load();
            service.reload(newSettings);
            settings = newSettings;
            outcome = "configuration reloaded";
            LOG.info(outcome);
        } catch (ConfigError e) {
            outcome = "reload rejected, keeping the running configuration: " + e.getMessage();
            LOG.error(outcome);
        } catch (Exception e) {
            outcome = "reload failed, keeping the running configuration: " + e;
            LOG.error(outcome, e);
        }
        String status = outcome;
        notifySafely(n -> n.ready(status));
    }

    private int shutDown(String signal) {
        LOG.info("SIG{}: stopping, flushing every active flow", signal);
        notifySafely(SdNotify::stopping);
        int status = 0;
        try {
            service.close();
        } catch (RuntimeException e) {
            LOG.error("shutdown of the flow pipeline failed", e);
            status = 70;
        }
        writeTables();
        LOG.info("stopped; {}", summary());
        return status;
    }

    /** The seed report's tables: to the table file if set, else to standard output in the foreground. */
    private void writeTables() {
        Optional<Path> file = settings.outputs().tableFile();
        if (file.isPresent()) {
            try {
                java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
                PrintStream out = new PrintStream(text, false, java.nio.charset.StandardCharsets.UTF_8);
                service.writeTables(out);
                out.flush();
                SeedTables.FileResult r = SeedTables.writeFile(file.get(), text.toString(java.nio.charset.StandardCharsets.UTF_8));
                if (r.error() == null) {
                    LOG.info("tables written to {}: {} rows", file.get(), r.rowsWritten());
                } else {
                    LOG.error("cannot write the tables to {}: {}; {} rows written, {} rows lost{}", file.get(),
                            r.error().toString(), r.rowsWritten(), r.rowsFailed(),
                            r.partialLines() > 0 ? ", and the file ends with a partial line" : "");
                }
            } catch (RuntimeException e) {
                LOG.error("cannot write the tables to {}: {}", file.get(), e.toString());
            }
        } else if (foregroundOut != null) {
            service.writeTables(foregroundOut);
            foregroundOut.flush();
        }
    }

    private void trimNativeHeap() {
        if (nativeHeap == null) {
            nativeHeap = NativeHeap.ofThisProcess();
        }
        nativeHeap.trimIfGrown();
    }

    private void logStatistics() {
        String summary = summary();
        LOG.info("statistics: {}", summary);
        notifySafely(n -> n.status(summary));
    }

    private String summary() {
        try {
            Map<String, Long> statistics = service.statistics();
            return statistics.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
        } catch (RuntimeException e) {
            return "statistics unavailable: " + e;
        }
    }

    private interface Notification {
        void send(SdNotify notify) throws IOException;
    }

    /** systemd being unreachable must not stop the daemon; it is logged, not thrown. */
    private void notifySafely(Notification notification) {
        if (notify.isEmpty()) {
            return;
        }
        try {
            notification.send(notify.get());
        } catch (IOException e) {
            LOG.warn("sd_notify failed: {}", e.getMessage());
        }
    }
}
