package org.flowmond.daemon.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.FlowTable;
import org.flowmond.daemon.flow.KernelFlowMap;
import org.flowmond.daemon.flow.NanoClock;
import org.flowmond.daemon.flow.ProcessResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow thread and what it owns: the flow table, the TC source whose map the table reads and
 * deletes from, the syscall source, and the one inbox both readers hand their records to.
 *
 * <p><b>The inbox's one policy</b>, for socket events and TC overflow records alike: while the flow
 * thread runs, a reader that finds the inbox full waits for room, leaving what follows in its kernel
 * ring, which is sized for bursts and counts its own losses ({@code dropped.ring-buffer},
 * {@code dropped.map-full}); a queue that dropped instead lost half of a 140,000-event burst after a
 * stall (bench/syscall-burst.sh). A full inbox is a drop only when no flow thread will take it any
 * more: after {@link #stop()} (close began), without a flow thread (tests), or for a reader whose
 * source is being drained to be replaced. A drop is counted (socket events in
 * {@code dropped.event-queue}, overflow packets in {@code dropped.map-full}) and logged at 1, 2, 4 ...
 * drops. The thread holding the lock never waits for itself: when its own offer (the TC ring read
 * on its thread) finds the inbox full, it first empties the inbox into the table. After the last
 * drain at close, every offer is a drop, so nothing waits uncounted in a queue no one reads.
 *
 * <p>The TC ring is read on the lock holder's thread only after that source's producer was closed:
 * the overflow reader holds the ring's lock while it waits for room, so a lock holder that asked for
 * the ring would wait for a reader waiting for it. Closed, the reader stops waiting within 100 ms.
 * While running, overflow records arrive through the reader alone.
 *
 * <p>Threads: every {@code probes.tc-scan-interval} the flow thread runs one {@link #cycle} and the
 * housekeeping; in between it sleeps on the inbox, and a reader's offer wakes it to empty the inbox
 * into the table at once. Other threads (reload, table printing, close) take the same
 * {@link #lock()}, so the flow table itself is single-threaded.
 */
final class FlowLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FlowLoop.class);
    private static final long CLOCK_RESYNC_NANOS = 60_000_000_000L;
    private static final long INTERFACE_POLL_NANOS = 2_000_000_000L;
    /**
     * Longest time between two runs of the periodic statistics task. The exporter sends them on its
     * own stats.interval timer, not in step with this thread: feeding more often keeps its options
     * records at most this old instead of up to one interval old.
     */
    private static final long STATISTICS_MAX_NANOS = 1_000_000_000L;
    /**
     * How long the ring readers wait unless woken, once quiet. Each cycle wakes a reader whose ring
     * holds records ({@link #wakeReadersIfPending}); otherwise the kernel wakes it when its ring is a
     * quarter full. So an idle host wakes neither reader, and this wait is only a safety net.
     */
    static final Duration READERS_QUIET_WAIT = Duration.ofSeconds(30);

    private final Object lock = new Object();
    private final Inbox inbox = new Inbox(() -> Thread.holdsLock(lock), this::drainInbox);
    private final AtomicLong cycleFailures = new AtomicLong();
    /** How often the flow thread came out of its sleep on the inbox (tests: it must not poll when idle). */
    private final AtomicLong wakeUps = new AtomicLong();
    private final CycleTimings timings = new CycleTimings();
    private final KernelClock kernelClock;
    private final FlowTable table;
    /** The scan's merge and the periodic scan's entry point, kept: an idle cycle allocates neither. */
    private final ScanOnDemand scanMerge;
    private final Consumer<UniFlow> stoppableMerge = this::mergeUnlessStopping;
    private final Consumer<Object> taker = this::take;
    /** Runs at most once a second on the flow thread: statistics to the export, warnings. */
    private final Runnable periodicStatistics;
    private volatile Settings settings;
    private volatile Reader<UniFlowSource> tc;
    private volatile Reader<SocketEventSource> syscall;
    private Thread thread;
    private volatile boolean running;
    /** Set by {@link #stop()}: a periodic scan in progress ends at its next entry. */
    private volatile boolean stopping;
    private long lastResync;
    private long lastInterfacePoll;
    private long lastStatistics;

    FlowLoop(Settings settings, NanoClock clock, KernelClock kernelClock, ProcessResolver processes, FlowSink sink,
             Runnable periodicStatistics) {
        this.settings = settings;
        this.kernelClock = kernelClock;
        this.periodicStatistics = periodicStatistics;
        this.table = new FlowTable(settings.flows(), settings.filter(), clock, kernelClock::toEpochNanos,
                currentTcMap(), processes, sink);
        this.scanMerge = new ScanOnDemand(table);
    }

    /**
     * The kernel map of whichever TC source is current (a reload may replace it): entries one by one,
     * and at shutdown the whole map in batches, so the final flush needs no syscall per flow.
     */
    private KernelFlowMap currentTcMap() {
        return new KernelFlowMap() {
            @Override
            public UniFlow lookupAndDelete(FlowKey key) {
                return tc.source().lookupAndDelete(key);
            }

            @Override
            public boolean removeAll(Consumer<UniFlow> sink) {
                return tc.source().removeAll(sink);
            }
        };
    }

    /** The lock every thread but the flow thread takes to touch the table or the sources. */
    Object lock() {
        return lock;
    }

    /** A new reader's handle on the inbox. */
    Inbox.Producer producer() {
        return inbox.producer();
    }

    /** The first sources, before the thread starts: the syscall source starts delivering. */
    void attach(Reader<UniFlowSource> newTc, Reader<SocketEventSource> newSyscall) {
        tc = newTc;
        syscall = newSyscall;
        newSyscall.source().start(newSyscall.producer().events());
    }

    void startThread() {
        running = true;
        inbox.start();
        thread = new Thread(this::loop, "flowmond-flows");
        thread.setDaemon(true);
        thread.start();
    }

    /** New timeouts, sizes and filters for the running table, new intervals for the loop. Caller holds the lock. */
    void reconfigure(Settings newSettings) {
        table.reconfigure(newSettings.flows(), newSettings.filter());
        settings = newSettings;
        inbox.wake(); // the next cycle may be due sooner
    }

    /** Takes the old TC map's last reading, ends its flows (its map goes with it) and uses {@code newTc}. Caller holds the lock. */
    void replaceTc(Reader<UniFlowSource> newTc) throws Exception {
        lastReading();
        table.flushAll(this::scan);
        tc.close();
        tc = newTc;
    }

    /** Takes every event of the old probes, detaches them and starts {@code newSyscall}. Caller holds the lock. */
    void replaceSyscall(Reader<SocketEventSource> newSyscall) throws Exception {
        drainSyscall();
        syscall.close();
        drainInbox();
        syscall = newSyscall;
        newSyscall.source().start(newSyscall.producer().events());
    }

    /**
     * Stops the flow thread between two cycles, a scan in progress cut short (the removal of the
     * map that follows reads every entry anyway), and takes the last events; then the removal of
     * the whole map is the last scan, and every active flow is exported with reason forced end.
     */
    void stop() {
        stopping = true;
        running = false;
        inbox.stop();
        Thread t = thread;
        if (t != null) {
            synchronized (lock) {
                // Between cycles only: interrupted inside one, a write to an output's file channel
                // fails (ClosedByInterruptException) and closes the channel before the final flush.
                t.interrupt();
            }
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            try {
                drainSyscall();
                lastReading();
                inbox.close(); // what comes later is a counted drop: no cycle would take it
                drainInbox();
                long flushStart = System.nanoTime();
                table.flushAll(this::scan);
                timings.finalFlush(System.nanoTime() - flushStart);
            } catch (Exception e) {
                LOG.error("final flush failed; some active flows were not exported", e);
            }
        }
    }

    /** Detaches both kernel sources (each closes once, whatever happened before). */
    void closeSources() {
        for (Reader<?> r : new Reader<?>[] {syscall, tc}) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.warn("closing {}: {}", r.source().getClass().getSimpleName(), e.toString());
                }
            }
        }
        syscall = null;
        tc = null;
    }

    /** One cycle on the caller's thread (tests without the flow thread). */
    void runCycle() {
        synchronized (lock) {
            cycle();
        }
    }

    FlowTable table() {
        return table;
    }

    CycleTimings timings() {
        return timings;
    }

    /** Whether {@link #stop()} has begun (a scan under way ends at its next entry). */
    boolean stopping() {
        return stopping;
    }

    long cycleFailures() {
        return cycleFailures.get();
    }

    long wakeUps() {
        return wakeUps.get();
    }

    long droppedEvents() {
        return inbox.droppedEvents();
    }

    /** The syscall source now, or null once closed (for its counters). */
    SocketEventSource syscall() {
        Reader<SocketEventSource> r = syscall;
        return r == null ? null : r.source();
    }

    /** The TC source now, or null once closed (for its counters). */
    UniFlowSource tc() {
        Reader<UniFlowSource> r = tc;
        return r == null ? null : r.source();
    }

    /**
     * Every {@code tc-scan-interval}: one {@link #cycle} and the housekeeping. In between the thread
     * sleeps on the inbox until the next cycle is due; a reader's offer wakes it and it hands what is
     * queued to the table at once, so the inbox holds only what arrives while the table is busy. An
     * idle daemon's flow thread wakes once per cycle and no more.
     */
    private void loop() {
        long lastCycle = 0;
        boolean cycled = false;
        while (running) {
            long due;
            synchronized (lock) {
                if (!running) {
                    return; // stop() has interrupted this thread: no cycle with the flag set
                }
                long now = System.nanoTime();
                long interval = settings.probes().tcScanInterval().toNanos();
                if (!cycled || now - (lastCycle + interval) >= 0) {
                    cycleAndHousekeeping(now);
                    lastCycle = now;
                    cycled = true;
                } else {
                    drainInbox();
                }
                due = lastCycle + interval; // read again after each wake-up: a reload may change it
            }
            try {
                inbox.await(due - System.nanoTime());
            } catch (InterruptedException e) {
                return; // stop() interrupts: it does the final cycle itself
            }
            wakeUps.incrementAndGet();
        }
    }

    private void cycleAndHousekeeping(long now) {
        try {
            cycle();
            if (!stopping) {
                housekeeping(now);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // An OutOfMemoryError here is most likely one scan of a huge map in a small heap: its
            // garbage is gone once the cycle is, so the next cycle may well fit. Letting it end the
            // thread left a daemon that ran on and counted nothing.
            cycleFailures.incrementAndGet();
            LOG.error("flow cycle failed; continuing", e);
        }
    }

    /** Inbox (events and overflow packets), one scan, expiry — in this order, so attributions wait for no scan. */
    private void cycle() {
        wakeReadersIfPending();
        drainInbox();
        if (!scanUnlessStopped()) {
            return; // stop() does the last reading itself
        }
        expire();
    }

    /**
     * A reader woken here hands its records to the inbox from its own thread: they reach the
     * table in this cycle's drain or at the flow thread's next wake-up, before the next scan.
     */
    private void wakeReadersIfPending() {
        Reader<SocketEventSource> s = syscall;
        if (s != null) {
            s.source().wakeReaderIfPending();
        }
        Reader<UniFlowSource> t = tc;
        if (t != null) {
            t.source().wakeReaderIfPending();
        }
    }

    private void expire() {
        long t0 = System.nanoTime();
        table.expire();
        timings.expired(System.nanoTime() - t0);
    }

    /**
     * A periodic scan that {@link #stop()} cuts short: the entries merged so far are merged like
     * any scan's (the scan is closed), and false tells the cycle to end there. A full scan is
     * about a second at 1,000,000 flows, time the final flush would otherwise wait for.
     */
    private boolean scanUnlessStopped() {
        try {
            scan(true);
            return true;
        } catch (ScanCutShort e) {
            return false;
        }
    }

    /** Thrown through the map read by a periodic scan that {@link #stop()} cut short. */
    private static final class ScanCutShort extends RuntimeException {
        ScanCutShort() {
            super(null, null, false, false);
        }
    }

    /** The last scan where the kernel cannot remove the map whole ({@link FlowTable#flushAll(Runnable)}). */
    private void scan() {
        scan(false);
    }

    /** One reading of the TC map, each entry merged as soon as its chunk of the map is read. */
    private void scan(boolean stoppable) {
        UniFlowSource source = tc.source();
        long t0 = System.nanoTime();
        long t1;
        try (ScanOnDemand merge = scanMerge.begin(source.insertedSinceLastScan())) {
            int entries = source.scan(stoppable ? stoppableMerge : merge);
            t1 = System.nanoTime();
            timings.scanned(t1 - t0, entries);
        } // closing decides, schedules and evicts, also after a failed read
        timings.updated(System.nanoTime() - t1);
    }

    private void mergeUnlessStopping(UniFlow u) {
        if (stopping) {
            throw new ScanCutShort();
        }
        scanMerge.accept(u);
    }

    /**
     * The TC source's last cycle but its scan, which the removal of the whole map that follows is
     * ({@link FlowTable#flushAll(Runnable)}): its producer closed first (see the class comment), its
     * ring read here, then what is due expires.
     */
    private void lastReading() {
        tc.producer().close();
        drainInbox();
        tc.source().drainOverflow();
        drainInbox();
        expire();
    }

    /** Waits until the probes delivered what they produced; their reader no longer waits for room meanwhile. */
    private void drainSyscall() throws InterruptedException {
        Reader<SocketEventSource> r = syscall;
        if (r != null) {
            drainInbox();
            r.producer().close();
            r.source().drain();
        }
    }

    private void housekeeping(long now) {
        if (now - lastResync >= CLOCK_RESYNC_NANOS) {
            kernelClock.resync();
            lastResync = now;
        }
        Settings s = settings;
        if ((s.interfaces().all() || s.namespaces().others()) && now - lastInterfacePoll >= INTERFACE_POLL_NANOS) {
            tc.source().refreshInterfaces();
            lastInterfacePoll = now;
        }
        if (now - lastStatistics >= Math.min(s.stats().interval().toNanos(), STATISTICS_MAX_NANOS)) {
            lastStatistics = now;
            periodicStatistics.run();
        }
    }

    /** Hands the inbox to the table. Caller holds the lock. */
    private void drainInbox() {
        inbox.drainTo(taker);
    }

    private void take(Object item) {
        if (item instanceof SocketEvent e) {
            table.onSocketEvent(e);
        } else {
            table.onOverflow((UniFlow) item);
        }
    }
}
