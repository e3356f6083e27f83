package org.flowmond.daemon;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGHUP, SIGTERM and SIGINT into events on a queue that the main loop reads, so all
 * work (reload, shutdown) happens on the main thread and never inside a signal handler thread.
 * Replacing the JVM's SIGTERM/SIGINT handlers means shutdown hooks do not run: the main loop
 * does the orderly shutdown itself and exits 0.
 */
final class Signals {

    /** What a signal asks for. */
    enum Request {
        RELOAD,
        STOP
    }

    /** A request and the signal that made it ("HUP", "TERM", "INT"). */
    record Event(Request request, String signal) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    /** Installs the handlers for this process. */
    static Signals install() {
        Signals signals = new Signals();
        handle("HUP", s -> signals.post(new Event(Request.RELOAD, s.getName())));
        handle("TERM", s -> signals.stop(s.getName()));
        handle("INT", s -> signals.stop(s.getName()));
        return signals;
    }

    /**
     * The JVM leaves a signal that the parent set to "ignore" ignored (nohup ignores HUP, a shell
     * ignores INT for background jobs) and does not install the handler: say so instead of
     * silently not reacting.
     */
    private static void handle(String name, SignalHandler handler) {
        if (Signal.handle(new Signal(name), handler) == SignalHandler.SIG_IGN) {
            LOG.warn("SIG{} is ignored by the parent process and stays ignored{}", name,
                    name.equals("HUP") ? ": reload will not work" : ": stop flowmond with another signal (SIGTERM)");
        }
    }

    /**
     * The first SIGTERM/SIGINT asks for an orderly shutdown; a second one, while that is still
     * pending or stuck (e.g. start-up hanging in the kernel), exits at once without flushing.
     */
    private void stop(String signal) {
        if (stopRequested.getAndSet(true)) {
            System.err.println("second SIG" + signal + ": exiting now, without flushing the flows");
            Runtime.getRuntime().halt(EXIT_FORCED);
        }
        post(new Event(Request.STOP, signal));
    }

    /** Exit status after a forced (second-signal) exit. */
    static final int EXIT_FORCED = 1;

    /** Queues an event (from a handler, or from a test). */
    void post(Event event) {
        events.add(event);
    }

    /** The next event, or null if none came within {@code millis}. */
    Event next(long millis) throws InterruptedException {
        return events.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
