package org.flowmond.daemon;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

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

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    /** Installs the handlers for this process. */
    static Signals install() {
        Signals signals = new Signals();
        Signal.handle(new Signal("HUP"), s -> signals.post(new Event(Request.RELOAD, s.getName())));
        Signal.handle(new Signal("TERM"), s -> signals.post(new Event(Request.STOP, s.getName())));
        Signal.handle(new Signal("INT"), s -> signals.post(new Event(Request.STOP, s.getName())));
        return signals;
    }

    /** Queues an event (from a handler, or from a test). */
    void post(Event event) {
        events.add(event);
    }

    /** The next event, or null if none came within {@code millis}. */
    Event next(long millis) throws InterruptedException {
        return events.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
