package org.flowmond.daemon.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.FlowTable;
import org.flowmond.daemon.flow.NanoClock;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.output.JsonLinesSink;
import org.flowmond.daemon.output.SeedTables;
import org.flowmond.daemon.output.kafka.KafkaOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running flow pipeline: BPF sources → flow table → outputs.
 *
 * <p>Threads: the syscall source's reader thread only puts events in a bounded queue (full: it
 * waits, leaving the rest in the kernel ring; after close() began, counted as
 * {@code dropped.event-queue}); one flow thread does everything else, once per
 * {@code probes.tc-scan-interval}: take the queued events, the overflow packets, one scan of
 * the TC map, then expiry (and the queued events alone every {@code probes.ring-poll-interval} in
 * between, so the queue holds at most about one poll's events). Other threads ({@link #writeTables}, {@link #reload}, {@link #close})
 * take the same lock, so the flow table itself is single-threaded.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    static final int EVENT_QUEUE = 65_536;
    private static final int EVENT_BATCH = 1024;
    /** How long the ring reader waits for room before it checks whether the pipeline still runs. */
    private static final long ENQUEUE_WAIT_MILLIS = 100;
    private static final long CLOCK_RESYNC_NANOS = 60_000_000_000L;
    private static final long INTERFACE_POLL_NANOS = 2_000_000_000L;
    /**
     * Longest time between handing the statistics to the export output. The exporter sends them on
     * its own stats.interval timer, not in step with this thread: feeding more often keeps its
     * options records at most this old instead of up to one interval old.
     */
    private static final long STATS_EXPORT_MAX_NANOS = 1_000_000_000L;

    private final Object lock = new Object();
    private final Sources sources;
    private final KernelClock kernelClock;
    private final BlockingQueue<SocketEvent> events = new ArrayBlockingQueue<>(EVENT_QUEUE);
    /** Reused by {@link #drainEvents} (under {@link #lock}). */
    private final List<SocketEvent> batch = new ArrayList<>(EVENT_BATCH);
    private final AtomicLong eventQueueDrops = new AtomicLong();
    private final AtomicLong cycleFailures = new AtomicLong();
    private final CycleTimings timings = new CycleTimings();
    private final SeedTables tables = new SeedTables();
    private final FanOutSink outputs = new FanOutSink();
    private final FlowTable table;
    private final ProcessResolver processes;
    private Settings settings;
    private OwnershipSource ownership;
    private SocketEventSource syscall;
    private UniFlowSource tc;
    private ExportOutput export;
    private JsonLinesSink json;
    private ExportOutput kafka;
    private Thread thread;
    private volatile boolean running;
    private volatile Map<String, Long> finalStatistics;
    private boolean closed;
    private long lastResync;
    private long lastInterfacePoll;
    private long lastStatsExport;
    /** Owners the kernel could not record (full maps) when the last warning was logged. */
    private long ownershipLossesLogged;

    private Pipeline(Settings settings, Sources sources, NanoClock clock, ProcessResolver processes) {
        this.settings = settings;
        this.sources = sources;
        this.kernelClock = new KernelClock();
        this.table = new FlowTable(settings.flows(), settings.filter(), clock, key -> tc.lookupAndDelete(key),
                processes, outputs);
        this.processes = processes;
    }

    /** Loads and attaches the probes, opens the outputs, and starts the flow thread. */
    public static Pipeline start(Settings settings) throws Exception {
        return start(settings, new BpfSources(), NanoClock.system(), ProcessResolver.system(), true);
    }

    /** For tests: any sources and clock; {@code thread=false} leaves cycles to {@link #runCycle()}. */
    static Pipeline start(Settings settings, Sources sources, NanoClock clock, ProcessResolver processes,
                          boolean thread) throws Exception {
        Pipeline p = new Pipeline(settings, sources, clock, processes);
        try {
            p.open();
        } catch (Exception | Error e) {
            p.closeResources();
            throw e;
        }
        if (thread) {
            p.startThread();
        }
        return p;
    }

    private void open() throws Exception {
        openOutputs(settings);
        openKafka(settings);
        ownership = sources.openOwnership(settings);
        if (settings.attribution().procScanAtStart() && ownership.canSeedExisting()) {
            ownership.seedExisting(); // what it could not record, it logs
            LOG.info("{} sockets existed before start-up: their owners are recorded", ownership.statistics().seeded());
        } // else SocketOwnership said why at open (no scan on this kernel) or the setting turned it off
        tc = sources.openTc(settings, kernelClock);
        syscall = sources.openSyscall(settings, kernelClock);
        LOG.info("syscall probes attached as {}", syscall.variant().name().toLowerCase(java.util.Locale.ROOT));
        syscall.start(this::enqueue);
    }

    private void startThread() {
        running = true;
        thread = new Thread(this::loop, "flowmond-flows");
        thread.setDaemon(true);
        thread.start();
    }

    /** Applies new settings: timeouts and filters at once, reopening only the parts whose settings changed. */
    public void reload(Settings newSettings) throws Exception {
        Objects.requireNonNull(newSettings, "settings");
        synchronized (lock) {
            Settings old = settings;
            boolean tcChanged = !old.interfaces().equals(newSettings.interfaces())
                    || !old.namespaces().equals(newSettings.namespaces())
                    || old.directions() != newSettings.directions()
                    || old.probes().tcMapEntries() != newSettings.probes().tcMapEntries()
                    || old.probes().tcAttach() != newSettings.probes().tcAttach()
                    || old.probes().tcPriority() != newSettings.probes().tcPriority();
            boolean syscallChanged = !old.probes().equals(newSettings.probes())
                    || !old.filter().equals(newSettings.filter());
            boolean identityChanged = !old.identity().equals(newSettings.identity());
            boolean outputsChanged = !old.outputs().sameFiles(newSettings.outputs()) || !old.export().equals(newSettings.export())
                    || identityChanged;
            // in format ipfix the Kafka output has an exporter of its own, on the export settings
            boolean kafkaChanged = !old.outputs().kafka().equals(newSettings.outputs().kafka()) || identityChanged
                    || newSettings.outputs().kafka().format() == org.flowmond.daemon.config.KafkaFormat.IPFIX
                    && (!old.export().equals(newSettings.export()) || !old.stats().equals(newSettings.stats()));
            // Open what is new before touching what runs, so a failure leaves the old pipeline intact.
            UniFlowSource newTc = tcChanged ? sources.openTc(newSettings, kernelClock) : null;
            SocketEventSource newSyscall = null;
            try {
                newSyscall = syscallChanged ? sources.openSyscall(newSettings, kernelClock) : null;
            } catch (Exception | Error e) {
                if (newTc != null) {
                    newTc.close();
                }
                throw e;
            }
            table.reconfigure(newSettings.flows(), newSettings.filter());
            if (newTc != null) {
                cycle(); // last reading of the old map, then its flows end: the map goes away with it
                table.flushAll();
                tc.close();
                tc = newTc;
            }
            if (newSyscall != null) {
                syscall.drain();
                syscall.close();
                drainEvents();
                syscall = newSyscall;
                syscall.start(this::enqueue);
            }
            if (outputsChanged) {
                closeOutputs();
                openOutputs(newSettings);
                feedExportStatistics(); // a new exporter's first options records carry the daemon's health
            }
            if (kafkaChanged) {
                closeKafka();
                openKafka(newSettings);
            }
            settings = newSettings;
        }
    }

    /** Writes the seed report's connect and accept tables (complete after {@link #close()}). */
    public void writeTables(PrintStream out) {
        List<SyscallFlowRecord> active = new ArrayList<>();
        synchronized (lock) {
            table.forEachActiveSyscallFlow((k, r) -> active.add(r));
        }
        tables.write(out, active);
    }

    /** Every counter by name: flow table, kernel drops, outputs, and the probe variant in use. */
    public Map<String, Long> statistics() {
        Map<String, Long> last = finalStatistics;
        if (last != null) {
            return last; // closed: the sources are gone, their counters were taken at close
        }
        Map<String, Long> m = new LinkedHashMap<>(table.statistics());
        m.put("dropped.event-queue", eventQueueDrops.get());
        m.put("pipeline.cycle-failures", cycleFailures.get());
        m.put("pipeline.output-failures", outputs.failures());
        timings.putInto(m);
        processes.containerStatistics().ifPresent(c -> c.putInto(m));
        SocketEventSource s = syscall;
        if (s != null) {
            m.putAll(s.counters());
            m.put("probe.variant." + s.variant().name().toLowerCase(java.util.Locale.ROOT), 1L);
        }
        UniFlowSource t = tc;
        if (t != null) {
            m.putAll(t.counters());
        }
        OwnershipSource o = ownership;
        if (o != null) {
            OwnershipSource.putInto(m, o.statistics());
        }
        ExportOutput e = export;
        if (e != null) {
            m.putAll(e.counters());
        }
        ExportOutput k = kafka;
        if (k != null) {
            m.putAll(k.counters());
        }
        JsonLinesSink j = json;
        if (j != null) {
            m.put("json.records-written", j.written());
            m.put("json.write-failures", j.failed());
            m.put("json.partial-lines", j.partialLines());
        }
        return m;
    }

    /**
     * Stops the flow thread, takes the last events and the last scan, exports every active flow
     * with reason forced end (reading and deleting its kernel entries), flushes the outputs and
     * detaches every probe.
     */
    @Override
    public void close() {
        running = false;
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
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (syscall != null) {
                    syscall.drain();
                }
                cycle();
                long flushStart = System.nanoTime();
                table.flushAll();
                timings.finalFlush(System.nanoTime() - flushStart);
            } catch (Exception e) {
                LOG.error("final flush failed; some active flows were not exported", e);
            } finally {
                if (export != null) {
                    feedExportStatistics(); // the last options records carry the final numbers
                    export.close(); // sends what is queued; its counters stay readable
                }
                if (kafka != null) {
                    kafka.close(); // delivers what is queued (a few seconds at most); counts what it cannot
                }
                finalStatistics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(statistics()));
                closeResources();
            }
        }
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

    /**
     * Every {@code tc-scan-interval}: one {@link #cycle}. In between, every {@code ring-poll-interval}
     * (when shorter), only the queued socket events go to the table, so that the queue never holds
     * more than one poll's worth (a 1 s scan interval at 100k events/s would overflow it).
     */
    private void loop() {
        long nextCycle = System.nanoTime();
        while (running) {
            long start = System.nanoTime();
            long interval;
            long eventInterval;
            synchronized (lock) {
                if (closed || !running) {
                    return; // close() has interrupted this thread: no cycle with the flag set
                }
                interval = settings.probes().tcScanInterval().toNanos();
                eventInterval = Math.min(interval, settings.probes().ringPollInterval().toNanos());
                try {
                    if (start - nextCycle >= 0) {
                        cycle();
                        housekeeping(start);
                        nextCycle = start + interval;
                    } else {
                        drainEvents();
                    }
                } catch (RuntimeException | OutOfMemoryError e) {
                    // An OutOfMemoryError here is most likely one scan of a huge map in a small heap:
                    // its garbage is gone once the cycle is, so the next cycle may well fit. Letting it
                    // end the thread left a daemon that ran on and counted nothing.
                    cycleFailures.incrementAndGet();
                    LOG.error("flow cycle failed; continuing", e);
                    nextCycle = start + interval;
                }
            }
            long now = System.nanoTime();
            long sleep = Math.min(nextCycle - now, start + eventInterval - now);
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return; // close() interrupts: it does the final cycle itself
                }
            }
        }
    }

    /** Events, overflow packets, one scan, expiry — in this order, so attributions wait for no scan. */
    private void cycle() {
        drainEvents();
        tc.drainOverflow(table::onOverflow);
        long t0 = System.nanoTime();
        List<org.flowmond.bpf.api.UniFlow> scan = tc.scan();
        long t1 = System.nanoTime();
        timings.scanned(t1 - t0, scan.size());
        table.onScan(scan);
        long t2 = System.nanoTime();
        timings.updated(t2 - t1);
        table.expire();
        timings.expired(System.nanoTime() - t2);
    }

    private void housekeeping(long now) {
        if (now - lastResync >= CLOCK_RESYNC_NANOS) {
            kernelClock.resync();
            lastResync = now;
        }
        if ((settings.interfaces().all() || settings.namespaces().others())
                && now - lastInterfacePoll >= INTERFACE_POLL_NANOS) {
            tc.refreshInterfaces();
            lastInterfacePoll = now;
        }
        long statsExportPeriod = Math.min(settings.stats().interval().toNanos(), STATS_EXPORT_MAX_NANOS);
        if (export != null && now - lastStatsExport >= statsExportPeriod) {
            lastStatsExport = now;
            export.exportStatistics(statistics());
        }
        warnOfOwnershipLosses();
    }

    /** A full ownership map leaves sockets without owner (never a wrong one): logged at 1, 2, 4, 8 ... losses. */
    private void warnOfOwnershipLosses() {
        long lost = ownership.statistics().lost();
        if (lost > ownershipLossesLogged && Long.highestOneBit(lost) > Long.highestOneBit(ownershipLossesLogged)) {
            ownershipLossesLogged = lost;
            LOG.warn("socket ownership maps full: {} sockets or endpoints without owner so far (ownership.*-map-full)",
                    lost);
        }
    }

    /** Hands the statistics to the export output now (its options records), outside the interval. */
    private void feedExportStatistics() {
        if (export == null) {
            return;
        }
        try {
            export.exportStatistics(statistics());
        } catch (RuntimeException e) {
            LOG.warn("statistics for the IPFIX options records: {}", e.toString());
        }
    }

    /** Takes the queue in batches: one lock round trip per batch, not per event. Caller holds {@link #lock}. */
    private void drainEvents() {
        while (events.drainTo(batch, EVENT_BATCH) > 0) {
            for (SocketEvent e : batch) {
                table.onSocketEvent(e);
            }
            batch.clear();
        }
    }

    /**
     * Hands an event to the flow thread. While the pipeline runs, a full queue makes the ring reader
     * wait instead of dropping: the events behind it stay in the kernel ring, which is sized for
     * bursts, and a ring that fills in turn counts its losses (dropped.ring-buffer). A burst of
     * 140,000 events after a stall lost half of them here before (bench/syscall-burst.sh).
     * Only after close() began, when no flow thread takes the queue any more, is a full queue a drop.
     */
    private void enqueue(SocketEvent e) {
        try {
            while (running) {
                if (events.offer(e, ENQUEUE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!events.offer(e)) {
            long n = eventQueueDrops.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1, 2, 4, 8 ...: a log line per doubling
                LOG.warn("socket event queue full: {} events dropped so far", n);
            }
        }
    }

    private void openOutputs(Settings s) throws Exception {
        if (s.outputs().jsonFile().isPresent()) {
            json = new JsonLinesSink(s.outputs().jsonFile().get(), s.identity());
        }
        export = sources.openExport(s);
        setSinks();
    }

    /** The Kafka output has its own open and close: a reload reopens it only when its settings changed. */
    private void openKafka(Settings s) {
        kafka = KafkaOutput.open(s);
        setSinks();
    }

    private void closeKafka() {
        ExportOutput k = kafka;
        kafka = null;
        setSinks();
        if (k != null) {
            k.close();
        }
    }

    private void setSinks() {
        List<FlowSink> sinks = new ArrayList<>();
        sinks.add(tables);
        for (FlowSink s : new FlowSink[] {json, export, kafka}) {
            if (s != null) {
                sinks.add(s);
            }
        }
        outputs.set(sinks);
    }

    private void closeOutputs() {
        ExportOutput k = kafka;
        outputs.set(k == null ? List.of(tables) : List.of(tables, k));
        if (export != null) {
            export.close();
            export = null;
        }
        if (json != null) {
            try {
                json.close();
            } catch (IOException e) {
                LOG.warn("closing the JSON output: {}", e.toString());
            }
            json = null;
        }
    }

    private void closeResources() {
        if (syscall != null) {
            syscall.close();
        }
        if (tc != null) {
            tc.close();
        }
        if (ownership != null) {
            ownership.close();
        }
        closeOutputs();
        closeKafka();
    }
}
