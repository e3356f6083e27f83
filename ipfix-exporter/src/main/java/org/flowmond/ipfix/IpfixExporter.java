package org.flowmond.ipfix;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flowmond.ipfix.file.FileSession;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.IpfixSet;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.transport.ExportSession;
import org.flowmond.ipfix.transport.RateLimitedLog;
import org.flowmond.ipfix.transport.SinkSession;
import org.flowmond.ipfix.transport.StreamCollectorSession;
import org.flowmond.ipfix.transport.TlsContexts;
import org.flowmond.ipfix.transport.TemplateRefresh;
import org.flowmond.ipfix.transport.UdpCollectorSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports flow records as IPFIX to collectors over UDP, TCP or TLS and, optionally, an IPFIX file.
 *
 * <pre>{@code
 * try (IpfixExporter exporter = IpfixExporter.start(settings)) {
 *     exporter.export(flowRecord);          // never blocks; false if dropped (and counted)
 *     ExporterStatistics stats = exporter.statistics();
 * }                                         // close() sends what is queued, then closes
 * }</pre>
 *
 * {@link #export} may be called from any thread. Records wait in a bounded queue for the export
 * thread, which packs them into messages no larger than the MTU allows and sends each message
 * to every collector; a record that finds the queue full is dropped and counted
 * (notSentFlowTotalCount). A collector that is down, unreachable or unresolvable never affects
 * the others, and what it misses is counted.
 */
public final class IpfixExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IpfixExporter.class);
    /** How long start() waits for collectors to connect and close() for the last messages. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** IPv4 (20) + UDP (8) header octets. */
    static final int IPV4_OVERHEAD = 28;
    /** IPv6 (40) + UDP (8) header octets. */
    static final int IPV6_OVERHEAD = 48;

    private final ExporterSettings settings;
    private final EventLoopGroup group;
    private final ArrayBlockingQueue<Object> queue;
    private final ExporterCounters counters;
    /** One session per collector, in settings order. */
    private final List<ExportSession> collectors;
    private final Optional<FileSession> file;
    private final List<SinkSession> sinks;
    private final ExportPipeline pipeline;
    private final int maxMessageLength;
    private final RateLimitedLog queueFull = new RateLimitedLog(LOG);
    private volatile boolean closed;

    private IpfixExporter(ExporterSettings settings, EventLoopGroup group, List<ExportSession> collectors,
                          Optional<FileSession> file, List<SinkSession> sinks, ExportTemplates templates,
                          int maxMessageLength) {
        this.settings = settings;
        this.group = group;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.counters = new ExporterCounters();
        this.collectors = collectors;
        this.file = file;
        this.sinks = sinks;
        this.maxMessageLength = maxMessageLength;
        List<ExportSession> datagrams = new ArrayList<>();
        List<ExportSession> streams = new ArrayList<>();
        for (ExportSession s : collectors) {
            (s instanceof StreamCollectorSession ? streams : datagrams).add(s);
        }
        file.ifPresent(datagrams::add);
        datagrams.addAll(sinks);
        this.pipeline = new ExportPipeline(settings, templates, group.next(), queue, counters, datagrams,
                maxMessageLength, streams);
    }

    /**
     * Resolves and connects the collectors, opens the file, sends the templates, and returns a
     * running exporter. A collector that cannot be resolved or connected now is retried later;
     * a file that cannot be created fails the start.
     *
     * @throws IOException if the file cannot be created
     * @throws IllegalArgumentException if a record cannot fit the MTU, or a TLS collector's files cannot be used
     */
    public static IpfixExporter start(ExporterSettings settings) throws IOException {
        return start(settings, List.of());
    }

    /**
     * As {@link #start(ExporterSettings)}, with message sinks that get the same IPFIX messages as
     * whole encoded messages, each as its own session (see {@link IpfixMessageSink}).
     */
    public static IpfixExporter start(ExporterSettings settings, List<IpfixMessageSink> sinks) throws IOException {
        if (settings.collectors().isEmpty() && settings.file().isEmpty() && sinks.isEmpty()) {
            throw new IllegalArgumentException("nothing to export to: no collector, no file and no message sink");
        }
        ExportTemplates templates = new ExportTemplates(settings.biflowMode(), settings.enterpriseNumber());
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (Collector c : settings.collectors()) {
            resolved.add(c.transport().isStream() ? null : UdpCollectorSession.resolve(c.host(), c.port()));
        }
        int maxLength = maxMessageLength(settings.mtu(), settings.collectors().stream()
                .filter(c -> !c.transport().isStream())
                .map(c -> resolved.get(settings.collectors().indexOf(c))).toList());
        checkRecordsFit(templates, maxLength);
        for (Collector c : settings.collectors()) {
            c.tls().ifPresent(TlsContexts::client); // unusable files fail the start; each connection reads them again
        }

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("flowmond-ipfix", true), NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            TemplateRefresh refresh = new TemplateRefresh(settings.templateRefreshInterval(),
                    settings.templateRefreshMessages());
            List<ExportSession> collectors = new ArrayList<>();
            List<CompletableFuture<Void>> opened = new ArrayList<>();
            for (int i = 0; i < settings.collectors().size(); i++) {
                Collector c = settings.collectors().get(i);
                if (c.transport().isStream()) {
                    StreamCollectorSession s = new StreamCollectorSession(c.host(), c.port(), loop, c.tls(),
                            c.bufferMessages());
                    collectors.add(s);
                    opened.add(s.open());
                } else {
                    UdpCollectorSession s = new UdpCollectorSession(c.host(), c.port(), resolved.get(i), loop, refresh);
                    collectors.add(s);
                    opened.add(s.open());
                }
            }
            Optional<FileSession> file = settings.file().isPresent()
                    ? Optional.of(FileSession.create(settings.file().get()))
                    : Optional.empty();
            List<SinkSession> sinkSessions = sinks.stream().map(k -> new SinkSession(k, refresh)).toList();
            IpfixExporter exporter = new IpfixExporter(settings, group, collectors, file, sinkSessions, templates,
                    maxLength);
            await(CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)));
            await(exporter.pipeline.start());
            LOG.info("IPFIX exporter started: {} collector(s){}{}, domain {}, messages up to {} octets ({} over TCP/TLS), "
                            + "{} biflows, enterprise {}", collectors.size(),
                    file.map(f -> " and " + f.destination()).orElse(""),
                    sinks.isEmpty() ? "" : " and " + sinks.size() + " message sink(s)", settings.observationDomainId(),
                    maxLength, IpfixMessage.MAX_LENGTH, settings.biflowMode(), settings.enterpriseNumber());
            return exporter;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * The largest message: the MTU minus the IP and UDP headers of the widest collector address
     * (an unresolved collector counts as IPv6), never above 65535.
     */
    static int maxMessageLength(int mtu, List<InetSocketAddress> collectors) {
        int overhead = IPV4_OVERHEAD;
        for (InetSocketAddress a : collectors) {
            if (a == null || !(a.getAddress() instanceof Inet4Address)) {
                overhead = IPV6_OVERHEAD;
            }
        }
        int chosen = mtu == ExporterSettings.AUTO_MTU ? autoMtu(collectors) : mtu;
        return Math.min(IpfixMessage.MAX_LENGTH, chosen - overhead);
    }

    /**
     * {@link ExporterSettings#AUTO_MTU}: the loopback MTU when there are UDP collectors and all of
     * them are on this host, else the default (an unresolved collector may be anywhere; without UDP
     * collectors it sizes the messages of files and sinks, as before).
     */
    private static int autoMtu(List<InetSocketAddress> collectors) {
        boolean allLocal = !collectors.isEmpty();
        for (InetSocketAddress a : collectors) {
            allLocal &= a != null && onThisHost(a.getAddress());
        }
        return allLocal ? ExporterSettings.LOOPBACK_MTU : ExporterSettings.DEFAULT_MTU;
    }

    /**
     * A loopback address, or an address of one of this network namespace's interfaces: the kernel
     * delivers datagrams to it through the loopback device, whatever interface holds it.
     */
    private static boolean onThisHost(InetAddress address) {
        if (address == null) {
            return false;
        }
        if (address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false; // cannot tell: as for a collector elsewhere
        }
    }

    private static void checkRecordsFit(ExportTemplates templates, int maxLength) {
        for (Template<?> t : templates.all()) {
            if (IpfixMessage.HEADER_LENGTH + IpfixSet.HEADER_LENGTH + t.fixedLength() > maxLength) {
                throw new IllegalArgumentException("records of template " + t.name() + " (" + t.fixedLength()
                        + " octets) do not fit messages of " + maxLength + " octets: raise the MTU");
            }
        }
    }

    /**
     * Queues a flow for export. Never blocks. Returns false if the record was dropped, because the
     * queue is full or the exporter is closed; either way it is counted. A flow with zero packets
     * and zero octets in both directions is accepted but never sent (counted as skipped).
     */
    public boolean export(FlowRecord record) {
        return offer(record, notSentCount(record));
    }

    /**
     * Queues a flow for export, waiting up to {@code maxWait} for room if the queue is full: for a
     * producer that would rather slow down than lose records (the daemon's flow thread exporting a
     * whole table at once produces faster than one export thread sends). Returns false, counted
     * as in {@link #export(FlowRecord)}, if there was still no room after {@code maxWait}, if the
     * exporter is closed, or if the calling thread is interrupted while waiting (its interrupt
     * status is kept).
     */
    public boolean export(FlowRecord record, Duration maxWait) {
        return offer(record, notSentCount(record), maxWait.toNanos());
    }

    /** Queues a syscall flow for export; as {@link #export(FlowRecord)}. */
    public boolean export(SyscallFlowRecord record) {
        return offer(record, 1);
    }

    private boolean offer(Object record, int dataRecords) {
        return offer(record, dataRecords, 0);
    }

    private boolean offer(Object record, int dataRecords, long waitNanos) {
        if (closed) {
            counters.droppedClosed.increment();
            counters.notSentFlowRecords.add(dataRecords);
            return false;
        }
        if (!queue.offer(record) && !offerWaiting(record, waitNanos)) {
            counters.droppedQueueFull.increment();
            counters.notSentFlowRecords.add(dataRecords);
            queueFull.warn("IPFIX export queue full (" + settings.queueCapacity() + " records): records dropped", null);
            return false;
        }
        counters.queued.increment();
        pipeline.requestDrain();
        return true;
    }

    /** A full queue: wait for the export thread to take some (it has a drain pending). */
    private boolean offerWaiting(Object record, long waitNanos) {
        if (waitNanos <= 0) {
            return false;
        }
        pipeline.requestDrain();
        try {
            return queue.offer(record, waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How many data records a dropped flow would have made. */
    private int notSentCount(FlowRecord r) {
        if (settings.biflowMode() != BiflowMode.UNIFLOWS) {
            return r.hasTraffic() ? 1 : 0;
        }
        return (r.hasForwardTraffic() ? 1 : 0) + (r.hasReverseTraffic() ? 1 : 0);
    }

    /**
     * The metering process's count of packets it saw but did not account (e.g. kernel map drops),
     * sent as ignoredPacketTotalCount in the statistics records.
     */
    public void updateIgnoredPacketTotal(long total) {
        counters.ignoredPacketTotal = total;
    }

    /**
     * The daemon's latest health: sent as a daemon health options record (observation domain 0)
     * with every statistics record from now on, each time with the value given last.
     */
    public void updateDaemonHealth(DaemonHealth health) {
        counters.daemonHealth = Objects.requireNonNull(health, "health");
    }

    /**
     * Sends everything queued so far without waiting for a message to fill up. Returns false if
     * that did not finish within {@code timeout}.
     */
    public boolean flush(Duration timeout) {
        return awaitQuietly(pipeline.flush(), timeout);
    }

    /** Runs {@code task} on the export thread: lets tests hold the thread to fill the queue. */
    void runOnExportThread(Runnable task) {
        group.next().execute(task);
    }

    /** How often the export thread's timer ran (tests: an idle exporter's timer does not run). */
    long timerRuns() {
        return pipeline.timerRuns();
    }

    /** The largest IPFIX message this exporter sends, derived from the MTU. */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    public ExporterSettings settings() {
        return settings;
    }

    public ExporterStatistics statistics() {
        List<CollectorStatistics> perCollector = collectors.stream().map(this::snapshot).toList();
        return new ExporterStatistics(counters.queued.sum(), counters.droppedQueueFull.sum(),
                counters.droppedClosed.sum(), counters.skippedEmpty.get(), counters.failed.get(),
                counters.notSentFlowRecords.sum(), counters.flowRecordsEncoded.get(), counters.messagesEncoded.get(),
                counters.ignoredPacketTotal, perCollector, file.map(this::snapshot),
                sinks.stream().map(this::snapshot).toList());
    }

    private CollectorStatistics snapshot(ExportSession s) {
        boolean connected = s instanceof StreamCollectorSession stream ? stream.isConnected() : s.isOpen();
        return new CollectorStatistics(s.destination(), connected, s.messagesSent(), s.octetsSent(),
                s.flowRecordsSent(), s.dataRecordsSent(), s.templateRefreshes(), s.notSentFlowRecords(),
                s.sendErrors(), s.unreachable(), s.sequenceNumber(settings.observationDomainId()),
                s.reconnects(), s.bufferedMessages(), s.droppedMessages(), s.icmpErrors(), s.refusedFlowRecords());
    }

    /**
     * Stops accepting records, sends what is queued and a final statistics record, closes the
     * collectors and the file, and stops the export thread. Waits at most 10 seconds.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean done = awaitQuietly(pipeline.close(), WAIT);
        if (!done) {
            LOG.warn("IPFIX exporter did not finish sending within {}", WAIT);
        }
        countLeftInQueue();
        group.shutdownGracefully(0, WAIT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(WAIT.toMillis());
        LOG.info("IPFIX exporter closed: {}", statistics());
    }

    /** A record queued in the instant close() began, after the last drain: counted, not lost silently. */
    private void countLeftInQueue() {
        Object left;
        while ((left = queue.poll()) != null) {
            counters.droppedClosed.increment();
            counters.notSentFlowRecords.add(left instanceof FlowRecord f ? notSentCount(f) : 1);
        }
    }

    private static void await(CompletableFuture<?> f) throws IOException {
        try {
            f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("IPFIX exporter start failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("IPFIX exporter did not start within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the IPFIX exporter", e);
        }
    }

    private static boolean awaitQuietly(CompletableFuture<?> f, Duration timeout) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException("IPFIX export failed", e.getCause()));
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
