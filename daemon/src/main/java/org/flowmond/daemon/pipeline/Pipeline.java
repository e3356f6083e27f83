package org.flowmond.daemon.pipeline;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.flow.FlowStats;
import org.flowmond.daemon.flow.FlowTable;
import org.flowmond.daemon.flow.NanoClock;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.stats.StatisticKeys;
import org.flowmond.daemon.stats.StatisticsSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running flow pipeline: BPF sources → {@link FlowLoop} (flow table, one inbox, the flow
 * thread) → {@link Outputs}. This class starts, reloads and closes them and gathers their
 * statistics; the socket ownership lives from start to close, across reloads.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** A snapshot or options record that fails every cycle is logged once a minute, with the count. */
    private final RateLimitedLogger statisticsProblems = new RateLimitedLogger(LOG, 1, TimeUnit.MINUTES);
    static final int EVENT_QUEUE = Inbox.CAPACITY;

    private final Sources sources;
    private final KernelClock kernelClock;
    private final ProcessResolver processes;
    /** Set once the outputs opened, before the flow thread starts. */
    private Outputs outputs;
    private final LateSink outputSink = new LateSink();
    private final FlowLoop loop;
    private final OwnershipSource ownership;
    private final OwnershipWarnings ownershipWarnings;
    private final SyscallLossWarnings syscallWarnings = new SyscallLossWarnings();
    /** Flow thread only: whether its periodic task reads the kernel's counters this time. */
    private final StatisticsFeed statisticsFeed = new StatisticsFeed();
    private Settings settings;
    private Set<Component> lastReopened = Set.of();
    private volatile StatisticsSnapshot finalStatistics;
    private boolean closed;

    private Pipeline(Settings settings, Sources sources, NanoClock clock, ProcessResolver processes,
                     OwnershipSource ownership) {
        this.settings = settings;
        this.sources = sources;
        this.kernelClock = new KernelClock();
        this.processes = processes;
        this.ownership = ownership;
        this.ownershipWarnings = new OwnershipWarnings();
        this.loop = new FlowLoop(settings, clock, kernelClock, processes, outputSink, this::periodicStatistics);
    }

    /** Loads and attaches the probes, opens the outputs, and starts the flow thread. */
    public static Pipeline start(Settings settings) throws Exception {
        return start(settings, new BpfSources(), NanoClock.system(), ProcessResolver.system(), true);
    }

    /**
     * For tests: any sources and clock; {@code thread=false} leaves cycles to {@link #runCycle()}.
     * The outputs open on a thread of their own while the probes load here; when both fail, the
     * outputs' failure is the one thrown (they opened first when start-up ran on one thread).
     */
    static Pipeline start(Settings settings, Sources sources, NanoClock clock, ProcessResolver processes,
                          boolean thread) throws Exception {
        BackgroundStep<Outputs> outputs =
                BackgroundStep.start("flowmond-open-outputs", () -> Outputs.open(settings, sources));
        Pipeline p;
        try {
            p = new Pipeline(settings, sources, clock, processes, openOwnership(settings, sources));
        } catch (Exception | Error e) {
            closeOutputsOrThrowTheirFailure(outputs, e);
            throw e;
        }
        try {
            p.attachSources();
        } catch (Exception | Error e) {
            p.closeResources();
            closeOutputsOrThrowTheirFailure(outputs, e);
            throw e;
        }
        try {
            p.useOutputs(outputs.join());
        } catch (Exception | Error e) {
            p.closeResources();
            throw e;
        }
        if (thread) {
            p.loop.startThread();
        }
        return p;
    }

    /** After the probes failed: throws the outputs' own failure if they failed too, else closes them. */
    private static void closeOutputsOrThrowTheirFailure(BackgroundStep<Outputs> outputs, Throwable probes)
            throws Exception {
        Outputs opened;
        try {
            opened = outputs.join();
        } catch (Exception | Error e) {
            e.addSuppressed(probes);
            throw e;
        }
        opened.close();
    }

    private void useOutputs(Outputs opened) {
        outputs = opened;
        outputSink.forwardTo(opened.sink());
    }

    /** The kernel's socket ownership, first: the TC program stamps its owners and the probes may use it. */
    private static OwnershipSource openOwnership(Settings settings, Sources sources) throws Exception {
        OwnershipSource ownership = sources.openOwnership(settings);
        if (settings.attribution().procScanAtStart() && ownership.canSeedExisting()) {
            ownership.seedExisting(); // what it could not record, it logs
            LOG.info("{} sockets existed before start-up: their owners are recorded", ownership.statistics().seeded());
        } // else SocketOwnership said why at open (no scan on this kernel) or the setting turned it off
        return ownership;
    }

    /**
     * The TC program loads here while the syscall probes load on a second thread: the verifier's
     * time for one overlaps the other's. "syscall probes attached" is logged once both are.
     */
    private void attachSources() throws Exception {
        Inbox.Producer syscallProducer = loop.producer();
        BackgroundStep<Reader<SocketEventSource>> syscall = BackgroundStep.start("flowmond-open-probes",
                () -> new Reader<>(sources.openSyscall(settings), syscallProducer));
        Reader<UniFlowSource> tc;
        try {
            tc = openTc(settings);
        } catch (Exception | Error e) {
            syscall.discard(Pipeline::closeQuietly, e);
            throw e;
        }
        Reader<SocketEventSource> probes;
        try {
            probes = syscall.join();
        } catch (Exception | Error e) {
            tc.close();
            throw e;
        }
        logAttached(probes);
        loop.attach(tc, probes);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} after a failed start: {}", c, e.toString());
        }
    }

    private Reader<UniFlowSource> openTc(Settings s) throws Exception {
        Inbox.Producer producer = loop.producer();
        return new Reader<>(sources.openTc(s, producer.overflow()), producer);
    }

    private Reader<SocketEventSource> openSyscall(Settings s) throws Exception {
        Inbox.Producer producer = loop.producer();
        Reader<SocketEventSource> r = new Reader<>(sources.openSyscall(s), producer);
        logAttached(r);
        return r;
    }

    private static void logAttached(Reader<SocketEventSource> r) {
        LOG.info("syscall probes attached as {}", r.source().variant().name().toLowerCase(Locale.ROOT));
    }

    /**
     * Applies new settings: timeouts, sizes and filters to the running table at once; reopens the
     * components whose slice of the settings changed ({@link Component}). New sources are opened
     * before anything running is touched, so a reload that fails there leaves the old pipeline.
     */
    public void reload(Settings newSettings) throws Exception {
        Objects.requireNonNull(newSettings, "settings");
        synchronized (loop.lock()) {
            Set<Component> changed = Component.changed(settings, newSettings);
            Reader<UniFlowSource> newTc = changed.contains(Component.TC) ? openTc(newSettings) : null;
            Reader<SocketEventSource> newSyscall;
            try {
                newSyscall = changed.contains(Component.SYSCALL) ? openSyscall(newSettings) : null;
            } catch (Exception | Error e) {
                if (newTc != null) {
                    newTc.close();
                }
                throw e;
            }
            loop.reconfigure(newSettings);
            if (newTc != null) {
                loop.replaceTc(newTc);
            }
            if (newSyscall != null) {
                loop.replaceSyscall(newSyscall);
            }
            outputs.reopen(changed, newSettings);
            if (changed.contains(Component.IPFIX)) {
                outputs.feedStatistics(this::snapshot); // a new exporter's first options records carry the daemon's health
            }
            settings = newSettings;
            lastReopened = changed;
        }
    }

    /** Writes the seed report's connect and accept tables (complete after {@link #close()}). */
    public void writeTables(PrintStream out) {
        List<SyscallFlowRecord> active = new ArrayList<>();
        synchronized (loop.lock()) {
            loop.table().forEachActiveSyscallFlow((k, r) -> active.add(r));
        }
        outputs.tables().write(out, active);
    }

    /** Every counter by name: flow table, kernel drops, outputs, and the probe variant in use. */
    public Map<String, Long> statistics() {
        return StatisticKeys.of(snapshot());
    }

    /** Every counter now, typed; after close, the numbers taken at close (the sources are gone). */
    public StatisticsSnapshot snapshot() {
        StatisticsSnapshot last = finalStatistics;
        if (last != null) {
            return last;
        }
        SocketEventSource s = loop.syscall();
        UniFlowSource t = loop.tc();
        return new StatisticsSnapshot(loop.table().stats().counts(), loop.droppedEvents(), loop.cycleFailures(),
                outputs.failures(), loop.timings().snapshot(), processes.containerStatistics().orElse(null),
                s == null ? null : s.counters(), t == null ? null : t.counters(), ownership.statistics(),
                outputs.exportCounters(), outputs.kafkaCounters(), outputs.jsonCounters());
    }

    /**
     * Stops the flow thread, takes the last events and the last scan, exports every active flow
     * with reason forced end (reading and deleting its kernel entries), flushes the outputs and
     * detaches every probe.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        loop.stop();
        synchronized (loop.lock()) {
            try {
                outputs.finish(this::snapshot); // the last options records carry the final numbers
                finalStatistics = snapshot();
            } finally {
                closeResources();
            }
        }
    }

    /** One cycle on the caller's thread (tests without the flow thread). */
    void runCycle() {
        loop.runCycle();
    }

    FlowTable table() {
        return loop.table();
    }

    /** The components the last reload reopened (tests). */
    Set<Component> lastReopened() {
        return lastReopened;
    }

    /**
     * On the flow thread, at most once a second: the export's options records and the ownership
     * warnings, when {@link StatisticsFeed} says they are due (an interval passed, or the daemon's
     * own counters moved); an idle cycle reads no kernel counter. The ownership losses are taken
     * from the snapshot when one is built, so the kernel's ownership counters are read once.
     */
    private void periodicStatistics() {
        FlowStats flows = loop.table().stats();
        if (!statisticsFeed.due(System.nanoTime(), settings.stats().interval().toNanos(), counted(flows),
                flows.activeFlows())) {
            return;
        }
        StatisticsSnapshot s = null;
        if (outputs.exportsStatistics()) {
            try {
                StatisticsSnapshot taken = snapshot();
                outputs.feedStatistics(() -> taken);
                s = taken;
            } catch (RuntimeException e) {
                statisticsProblems.warn("statistics for the IPFIX options records: " + e, null);
            }
        }
        // the kernel's counters are read once: from the snapshot when one was taken
        ownershipWarnings.check(s != null ? s.ownership() : ownership.statistics());
        SocketEventSource probes = loop.syscall();
        syscallWarnings.check(s != null ? s.syscall() : probes == null ? null : probes.counters());
    }

    /**
     * The sum of the daemon's own cumulative counters, read without a system call or an allocation:
     * flows, socket events and overflow packets taken, records exported (a send-queue drop is counted
     * as the record is handed over, on this thread), and the failures and drops counted in Java.
     */
    private long counted(FlowStats flows) {
        return flows.cumulativeSum() + loop.droppedEvents() + loop.cycleFailures() + outputs.failures();
    }

    private void closeResources() {
        loop.closeSources();
        ownership.close();
        if (outputs != null) {
            outputs.close();
        }
    }
}
