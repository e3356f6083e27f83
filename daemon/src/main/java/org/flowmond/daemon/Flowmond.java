package org.flowmond.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.daemon.config.ConfigError;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.metrics.MetricsBindException;
import org.flowmond.daemon.metrics.MetricsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flowmond's entry point: parses the command line, validates the configuration (exit 78 with
 * one line when it is wrong), checks privileges and kernel features (77 / 69), starts the flow
 * pipeline and runs the {@link Daemon} loop until SIGTERM/SIGINT (exit 0).
 */
public final class Flowmond {

    /** Taken before anything else of flowmond's runs (logging set-up included). */
    private static final StartupClock CLOCK = StartupClock.startedNow();
    private static final Logger LOG;

    static {
        NativeWarmUp.start();
        LOG = LoggerFactory.getLogger(Flowmond.class);
        CLOCK.phase("logging");
    }

    /**
     * Netty's buffer allocators register JFR event types while the exporter starts whether or not a
     * recording runs: about a hundred JFR classes and their annotations read reflectively, a tenth of
     * start-up. Off unless set on the command line (-Dio.netty.jfr.enabled=true brings them back).
     */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Service.Starter starter;

    Flowmond(PrintStream out, PrintStream err, Map<String, String> env, Service.Starter starter) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.starter = starter;
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        Flowmond flowmond = new Flowmond(System.out, System.err, System.getenv(), PipelineService::start);
        System.exit(flowmond.run(args));
    }

    /** Everything up to the exit status; System.exit is left to main so tests can call this. */
    int run(String[] args) throws InterruptedException {
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args);
        } catch (UsageError e) {
            err.println(e.getMessage());
            return UsageError.EXIT_STATUS;
        } catch (ConfigError e) {
            err.println(e.getMessage());
            return ConfigError.EXIT_STATUS;
        }
        if (commandLine.help()) {
            out.print(CommandLine.USAGE);
            return 0;
        }
        if (commandLine.version()) {
            out.println("flowmond " + Version.get());
            return 0;
        }
        ConfigSource source = ConfigSource.of(commandLine);
        Settings settings;
        try {
            settings = source.load();
        } catch (ConfigError e) {
            err.println(e.getMessage());
            return ConfigError.EXIT_STATUS;
        }
        CLOCK.phase("configuration");
        if (commandLine.checkConfig()) {
            out.println("configuration OK: " + source.describe());
            return 0;
        }
        return start(source, settings);
    }

    /**
     * The kernel or the network refusing (no such interface, attach failed, bad collector address)
     * is said in its own words; anything else is a bug, whose stack trace goes to the log.
     */
    private static String startFailure(Throwable e) {
        boolean expected = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof LibBpfException;
        if (expected && e.getMessage() != null) {
            return e.getMessage().replace('\n', ' ');
        }
        LOG.error("start-up failed", e);
        return e.toString().replace('\n', ' ');
    }

    private static Map<String, Long> statisticsOf(Service service) {
        return service == null ? Map.of() : service.statistics();
    }

    private int start(ConfigSource source, Settings settings) throws InterruptedException {
        try {
            Preflight.check(settings);
        } catch (StartupError e) {
            err.println(e.getMessage());
            return e.exitStatus();
        }
        // Handlers first: a SIGTERM during start-up is queued and honoured once started.
        Signals signals = Signals.install();
        Optional<SdNotify> notify;
        try {
            notify = SdNotify.fromEnvironment(env);
        } catch (IOException e) {
            err.println("cannot open the systemd notification socket: " + e.getMessage());
            return StartupError.UNAVAILABLE;
        }
        CLOCK.phase("checks");
        // The endpoint listens before the probes load, so a busy port fails start-up at once; until
        // the service runs, a scrape sees only flowmond_build_info and the process metrics.
        AtomicReference<Service> started = new AtomicReference<>();
        MetricsEndpoint metrics;
        try {
            metrics = MetricsEndpoint.start(settings, () -> statisticsOf(started.get()), Version.get());
        } catch (MetricsBindException e) {
            err.println("cannot start: " + e.getMessage());
            notify.ifPresent(SdNotify::close);
            return 1;
        }
        NativeWarmUp.configurationAccepted();
        Service service;
        try {
            service = starter.start(settings);
        } catch (StartupError e) {
            err.println(e.getMessage());
            metrics.close();
            notify.ifPresent(SdNotify::close);
            return e.exitStatus();
        } catch (Exception | LinkageError e) {
            err.println("cannot start: " + startFailure(e));
            metrics.close();
            notify.ifPresent(SdNotify::close);
            return 1;
        }
        started.set(service);
        service = new MeteredService(service, metrics, settings);
        CLOCK.phase("probes and outputs");
        LOG.info("started {}", CLOCK.summary(System.nanoTime()));
        NativeWarmUp.afterStart();
        Optional<Duration> watchdog = SdNotify.watchdogInterval(env, ProcessHandle.current().pid());
        PrintStream foreground = notify.isPresent() ? null : out;
        try {
            return new Daemon(source, settings, service, signals, notify, watchdog, foreground).run();
        } finally {
            notify.ifPresent(SdNotify::close);
        }
    }
}
