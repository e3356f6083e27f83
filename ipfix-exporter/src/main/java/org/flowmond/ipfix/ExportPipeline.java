package org.flowmond.ipfix;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.file.FileSession;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.template.StatisticsRecord;
import org.flowmond.ipfix.transport.ExportSession;
import org.flowmond.ipfix.transport.RateLimitedLog;
import org.flowmond.ipfix.transport.SinkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export thread's work, all on one event loop: take records from the queue, pack them into
 * messages, give each message to every session (templates first when due), and on a timer
 * re-send templates, send statistics and retry closed collectors.
 *
 * <p>The timer is one task armed for the next thing that falls due (a session's template refresh,
 * its reopening, the end of its refusal window, the next statistics record), not a fixed tick: an
 * exporter with nothing to send does not wake. Records wake the loop themselves ({@link #requestDrain}),
 * and what they leave buffered (a partial message, the file's buffer, a message sink) is flushed
 * {@link #PARTIAL_MESSAGE_DELAY_MILLIS} after the last drain.
 *
 * <p>Records are packed once per {@link Lane}: datagram-sized messages for the UDP collectors, the
 * file and the message sinks; messages of up to 65535 octets for TCP/TLS collectors, which are not
 * bound by the MTU (RFC 7011 section 10.4.3). A lane with no session packs nothing.
 *
 * <p>Sessions may buffer what they are given (UDP writes datagrams without a flush each): they are
 * flushed once per turn of the export thread (at most {@link #MAX_BATCH} records), and after the
 * start, the timer, the flush that follows a drain, {@link #flush()} and {@link #close()}. One flush for a
 * turn's few hundred datagrams instead of one per datagram is what lets a full table go out at
 * the encoder's pace.
 */
final class ExportPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ExportPipeline.class);
    /** Records taken per turn, so timers and I/O get the loop between batches. */
    private static final int MAX_BATCH = 4096;
    /** How long a partly filled message (and the file's and sinks' buffers) may wait for more records. */
    private static final long PARTIAL_MESSAGE_DELAY_MILLIS = 20;

    private final ExporterSettings settings;
    private final ExportTemplates templates;
    private final EventLoop loop;
    private final BlockingQueue<Object> queue;
    /** Records taken from the queue in one go (one lock acquisition per batch, not per record). */
    private final List<Object> batch = new ArrayList<>(MAX_BATCH);
    private final ExporterCounters counters;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<ExportSession> sessions = new ArrayList<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final RateLimitedLog failures = new RateLimitedLog(LOG);

    private boolean partialFlushScheduled;
    private long lastStatisticsNanos;
    /** The armed timer task, if any, and when it fires (System.nanoTime()). */
    private ScheduledFuture<?> timer;
    private long timerDeadlineNanos;
    private boolean closing;
    /** Times the timer task ran: tests tell an idle exporter (no run) from a ticking one. */
    private final AtomicLong timerRuns = new AtomicLong();

    /**
     * Sessions that get messages of one size limit, packed by their own packer, with the
     * templates packed to that limit. The primary lane's messages are the ones counted as encoded.
     */
    private final class Lane {
        final List<ExportSession> sessions;
        final MessagePacker packer;
        final List<IpfixMessage> announcement;
        final boolean primary;
        /** Messages the packer filled and that wait for {@link #dispatchPacked}, in order. */
        final List<IpfixMessage> packed = new ArrayList<>();

        Lane(List<ExportSession> sessions, int maxMessageLength, boolean primary) {
            this.sessions = List.copyOf(sessions);
            this.primary = primary;
            this.packer = new MessagePacker(maxMessageLength, settings.observationDomainId(),
                    ExportPipeline::exportTimeNow, packed::add);
            this.announcement = templates.announcement(maxMessageLength, settings.observationDomainId(),
                    ExportPipeline::exportTimeNow);
        }
    }

    ExportPipeline(ExporterSettings settings, ExportTemplates templates, EventLoop loop, BlockingQueue<Object> queue,
                   ExporterCounters counters, List<ExportSession> datagramSessions, int maxMessageLength,
                   List<ExportSession> streamSessions) {
        this.settings = settings;
        this.templates = templates;
        this.loop = loop;
        this.queue = queue;
        this.counters = counters;
        if (!datagramSessions.isEmpty()) {
            lanes.add(new Lane(datagramSessions, maxMessageLength, true));
        }
        if (!streamSessions.isEmpty()) {
            lanes.add(new Lane(streamSessions, IpfixMessage.MAX_LENGTH, lanes.isEmpty()));
        }
        for (Lane lane : lanes) {
            sessions.addAll(lane.sessions);
        }
    }

    static long exportTimeNow() {
        return (System.currentTimeMillis() / 1000) & 0xFFFF_FFFFL;
    }

    /** Sends the templates to every open session and starts the timer. */
    CompletableFuture<Void> start() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        loop.execute(() -> {
            long now = System.nanoTime();
            lastStatisticsNanos = now;
            for (Lane lane : lanes) {
                for (ExportSession s : lane.sessions) {
                    s.announce(lane.announcement, exportTimeNow(), now);
                }
            }
            for (ExportSession s : sessions) {
                s.onTimerChange(this::armTimer);
            }
            flushSessions();
            armTimer();
            started.complete(null);
        });
        return started;
    }

    /**
     * Arms the timer for the next due event, unless it is armed for that time or sooner already.
     * Nothing due (every session waits for records, statistics never) leaves it unarmed.
     */
    private void armTimer() {
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        long delay = nextTimerDelayNanos(now);
        if (delay == Long.MAX_VALUE) {
            return;
        }
        delay = Math.max(0, delay);
        if (timer != null && timerDeadlineNanos - (now + delay) <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerDeadlineNanos = now + delay;
        timer = loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    }

    /** Nanoseconds until the first of: the statistics record, any session's own timer; Long.MAX_VALUE if none. */
    private long nextTimerDelayNanos(long now) {
        long next = settings.statisticsInterval().toNanos() - (now - lastStatisticsNanos);
        for (ExportSession s : sessions) {
            next = Math.min(next, s.timerDelayNanos(now));
        }
        return next;
    }

    /** How often the timer task ran (tests). */
    long timerRuns() {
        return timerRuns.get();
    }

    /** Called by any thread after queueing a record. */
    void requestDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        packBatch();
        flushSessions();
        if (!queue.isEmpty()) {
            requestDrain();
        } else if (!partialFlushScheduled) {
            // a partial message, the file's buffer and the sinks go out shortly after the last records
            partialFlushScheduled = true;
            loop.schedule(this::flushPartial, PARTIAL_MESSAGE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
        armTimer(); // a message sent may start a refresh count or a refusal window
    }

    private boolean hasPending() {
        for (Lane lane : lanes) {
            if (lane.packer.hasPending()) {
                return true;
            }
        }
        return false;
    }

    private void flushPackers() {
        for (Lane lane : lanes) {
            lane.packer.flush();
        }
        dispatchPacked();
    }

    private void flushPartial() {
        partialFlushScheduled = false;
        flushPackers();
        flushFile();
        flushSessions();
    }

    /** Drains everything queued, sends the partial message and flushes the file. */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            drainAll();
            done.complete(null);
        });
        return done;
    }

    /** Packs up to MAX_BATCH queued records; returns how many. */
    private int packBatch() {
        queue.drainTo(batch, MAX_BATCH);
        int taken = batch.size();
        for (int i = 0; i < taken; i++) {
            pack(batch.get(i));
        }
        batch.clear();
        dispatchPacked();
        return taken;
    }

    private void drainAll() {
        while (packBatch() > 0) {
            // until the queue is empty
        }
        flushPackers();
        flushFile();
        flushSessions();
    }

    private void pack(Object record) {
        try {
            if (record instanceof FlowRecord flow) {
                if (!flow.hasTraffic()) {
                    counters.skippedEmpty.incrementAndGet();
                    return;
                }
                for (Lane lane : lanes) {
                    templates.packFlow(flow, lane.packer);
                }
            } else {
                for (Lane lane : lanes) {
                    templates.packSyscallFlow((SyscallFlowRecord) record, lane.packer);
                }
            }
        } catch (RuntimeException e) {
            counters.failed.incrementAndGet();
            counters.notSentFlowRecords.increment();
            failures.warn("cannot export " + record, e);
        }
    }

    /**
     * Hands the messages packed since the last call to the sessions, after the packing rather than
     * from inside it: the packer's loop then stays small, and the send path (session, channel,
     * encoder) is compiled as code of its own instead of also inside the packer's. The JIT compiles
     * both while the first full table goes out (SIGTERM, an idle expiry of everything); with the
     * send path inside it, the packer's compiled code was three times as large.
     */
    private void dispatchPacked() {
        for (Lane lane : lanes) {
            List<IpfixMessage> packed = lane.packed;
            try {
                for (int i = 0; i < packed.size(); i++) {
                    dispatchCounted(lane, packed.get(i));
                }
            } finally {
                packed.clear();
            }
        }
    }

    /** A message no session could be given is counted (its flow records as not sent), never lost silently. */
    private void dispatchCounted(Lane lane, IpfixMessage message) {
        try {
            dispatch(lane, message);
        } catch (RuntimeException e) {
            int records = message.dataRecordCount();
            counters.failed.addAndGet(records);
            counters.notSentFlowRecords.add(records);
            failures.warn("cannot export a message of " + records + " records", e);
        }
    }

    /** A full (or flushed) message of flow records goes to every session of its lane. */
    private void dispatch(Lane lane, IpfixMessage message) {
        int flowRecords = message.dataRecordCount();
        if (lane.primary) {
            counters.messagesEncoded.incrementAndGet();
            counters.flowRecordsEncoded.addAndGet(flowRecords);
        }
        long now = System.nanoTime();
        for (ExportSession s : lane.sessions) {
            if (s.announcementDue(now)) {
                s.announce(lane.announcement, message.exportTime(), now);
            }
            s.sendData(message, flowRecords);
        }
    }

    /** The timer: whatever is due now; then armed again for the next due event. */
    private void tick() {
        timer = null;
        timerRuns.incrementAndGet();
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            for (ExportSession s : lane.sessions) {
                s.reopenIfClosed();
                if (s.isOpen() && s.announcementDue(now)) {
                    s.announce(lane.announcement, exportTimeNow(), now);
                }
            }
        }
        if (now - lastStatisticsNanos >= settings.statisticsInterval().toNanos()) {
            lastStatisticsNanos = now;
            sendStatistics();
        }
        flushFile();
        flushSessions();
        armTimer();
    }

    /**
     * One exporter statistics record per session, with that session's own counts, scoped to the
     * flows' domain and sent in the options domain; in the same message the daemon's latest
     * health record, once the daemon has given one.
     */
    private void sendStatistics() {
        long now = System.nanoTime();
        long exportTime = exportTimeNow();
        long notSentHere = counters.notSentFlowRecords.sum();
        for (Lane lane : lanes) {
            for (ExportSession s : lane.sessions) {
                sendStatistics(lane, s, now, exportTime, notSentHere);
            }
        }
    }

    private void sendStatistics(Lane lane, ExportSession s, long now, long exportTime, long notSentHere) {
        if (s.announcementDue(now)) {
            s.announce(lane.announcement, exportTime, now);
        }
        StatisticsRecord record = new StatisticsRecord(settings.observationDomainId(), s.messagesSent(),
                s.flowRecordsSent(), s.octetsSent(), notSentHere + s.notSentFlowRecords(),
                counters.ignoredPacketTotal, s.icmpErrors(), s.refusedFlowRecords());
        s.sendOptions(statisticsMessage(record, exportTime));
    }

    /**
     * The statistics record and the daemon's health in one message, packed as flow records are:
     * every data set the encoder meets then holds its records in the packer's own list type, so
     * the compiled export path, profiled on flow records, is not thrown back to the interpreter
     * (a JIT class-check trap) by the first statistics message of another list type.
     */
    private IpfixMessage statisticsMessage(StatisticsRecord statistics, long exportTime) {
        List<IpfixMessage> packed = new ArrayList<>(1);
        MessagePacker packer = new MessagePacker(IpfixMessage.MAX_LENGTH, ExportTemplates.OPTIONS_DOMAIN,
                () -> exportTime, packed::add);
        packer.addRecord(templates.statistics, statistics);
        DaemonHealth health = counters.daemonHealth;
        if (health != null) {
            packer.addRecord(templates.daemonHealth, health);
        }
        packer.flush();
        return packed.get(0);
    }

    /** Every session hands what it was given this turn to its transport. */
    private void flushSessions() {
        for (ExportSession s : sessions) {
            s.flushWrites();
        }
    }

    /** The file and the message sinks deliver what they hold. */
    private void flushFile() {
        for (ExportSession s : sessions) {
            if (s instanceof FileSession f) {
                f.flush();
            } else if (s instanceof SinkSession k) {
                k.flush();
            }
        }
    }

    /** Sends everything queued and a last statistics record, then closes every session. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            closing = true;
            if (timer != null) {
                timer.cancel(false);
            }
            drainAll();
            sendStatistics();
            flushSessions();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (ExportSession s : sessions) {
                all.add(s.close());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new))
                    .whenComplete((v, e) -> closed.complete(null));
        });
        return closed;
    }
}
