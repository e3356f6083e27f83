package org.flowmond.ipfix.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.ipfix.message.IpfixMessage;

/**
 * One destination of IPFIX messages (a UDP collector or a file) with its own transport session
 * state: the sequence numbers, which count the data records sent in this session per
 * observation domain mod 2^32 (RFC 7011 section 3.1), the template refresh bookkeeping, and
 * the counters.
 *
 * <p>Called only from the export thread; the counters may be read from any thread.
 */
public abstract class ExportSession {
    private final String destination;
    private final TemplateRefresh refresh;

    /**
     * Per observation domain, the data records handed to the transport: the next message's
     * sequence number (RFC 7011 section 3.1, mod 2^32 on the wire). Flows and exporter options
     * travel in different domains, each with its own count.
     */
    private final Map<Long, AtomicLong> sequences = new ConcurrentHashMap<>();
    private boolean announced;
    private long lastAnnouncementNanos;
    private int messagesSinceAnnouncement;
    private Runnable timerChange = () -> { };

    protected final AtomicLong messagesSent = new AtomicLong();
    protected final AtomicLong octetsSent = new AtomicLong();
    protected final AtomicLong flowRecordsSent = new AtomicLong();
    protected final AtomicLong dataRecordsSent = new AtomicLong();
    protected final AtomicLong templateRefreshes = new AtomicLong();
    protected final AtomicLong notSentFlowRecords = new AtomicLong();
    protected final AtomicLong sendErrors = new AtomicLong();
    protected final AtomicLong unreachable = new AtomicLong();
    protected final AtomicLong reconnects = new AtomicLong();
    protected final AtomicLong droppedMessages = new AtomicLong();
    protected final AtomicLong icmpErrors = new AtomicLong();
    protected final AtomicLong refusedFlowRecords = new AtomicLong();

    protected ExportSession(String destination, TemplateRefresh refresh) {
        this.destination = destination;
        this.refresh = refresh;
    }

    protected TemplateRefresh refresh() {
        return refresh;
    }

    /** Whether templates must be (re)sent before the next data message. */
    public boolean announcementDue(long nowNanos) {
        return refresh.due(announced, nowNanos - lastAnnouncementNanos, messagesSinceAnnouncement);
    }

    /**
     * Nanoseconds from {@code nowNanos} until this session needs the export thread's timer (0 or
     * less: now), Long.MAX_VALUE if only records or statistics can make it send. Here: the
     * templates' refresh by time (RFC 7011 section 8.4), due the refresh interval after the last
     * announcement. Templates that may have been lost (refused) are not retried on the timer: they
     * go again before the next data or options message ({@link #announcementDue}), whichever comes.
     */
    public long timerDelayNanos(long nowNanos) {
        if (!announced || !isOpen()) {
            return Long.MAX_VALUE;
        }
        long interval = refresh.interval().toNanos();
        return interval == Long.MAX_VALUE ? Long.MAX_VALUE : interval - (nowNanos - lastAnnouncementNanos);
    }

    /** The export thread's timer is re-armed through {@code rearm} when this session's timer may have moved. */
    public void onTimerChange(Runnable rearm) {
        this.timerChange = rearm;
    }

    /** This session's {@link #timerDelayNanos} may now be sooner than before (called on the export thread). */
    protected final void timerChanged() {
        timerChange.run();
    }

    /** Sends the templates and type records; resets the refresh clock and counter. */
    public void announce(List<IpfixMessage> announcement, long exportTimeSeconds, long nowNanos) {
        if (!isOpen()) {
            return;
        }
        boolean all = true;
        for (IpfixMessage m : announcement) {
            all &= sendStamped(m.withExportTime(exportTimeSeconds), 0);
        }
        announced = all; // a template message the transport refused goes again before the next data
        lastAnnouncementNanos = nowNanos;
        messagesSinceAnnouncement = 0;
        templateRefreshes.incrementAndGet();
    }

    /** Sends a message of {@code flowRecords} flow records, or counts them as not sent. */
    public void sendData(IpfixMessage message, int flowRecords) {
        if (!isOpen()) {
            notSentFlowRecords.addAndGet(flowRecords);
            return;
        }
        sendStamped(message, flowRecords);
        messagesSinceAnnouncement++;
    }

    /** Sends a message of options records (statistics). */
    public void sendOptions(IpfixMessage message) {
        if (isOpen()) {
            sendStamped(message, 0);
        }
    }

    private boolean sendStamped(IpfixMessage message, int flowRecords) {
        AtomicLong sequence = sequence(message.observationDomainId());
        IpfixMessage stamped = message.withSequenceNumber(sequence.get());
        if (write(stamped, flowRecords)) {
            sequence.addAndGet(message.dataRecordCount());
            return true;
        }
        return false;
    }

    /** The destination may have missed the templates (it refused a message): send them before the next data. */
    protected final void templatesMayBeLost() {
        announced = false;
    }

    /**
     * Stamps a message with its domain's sequence number and counts its data records into it: for
     * a session that hands messages over itself (a stream, where a message written is part of the
     * connection's sequence whatever becomes of the connection).
     */
    protected final IpfixMessage stampNext(IpfixMessage message) {
        AtomicLong sequence = sequence(message.observationDomainId());
        IpfixMessage stamped = message.withSequenceNumber(sequence.get());
        sequence.addAndGet(message.dataRecordCount());
        return stamped;
    }

    /** A new transport session (a new TCP connection) starts every domain's sequence at 0. */
    protected final void resetSequences() {
        sequences.clear();
    }

    private AtomicLong sequence(long observationDomainId) {
        return sequences.computeIfAbsent(observationDomainId, d -> new AtomicLong());
    }

    /**
     * Hands a stamped message to the transport. Returns false, having counted the flow records as
     * not sent, when it could not; success or failure of the hand-over is counted by the subclass
     * through {@link #sent} and {@link #failed}.
     */
    protected abstract boolean write(IpfixMessage stamped, int flowRecords);

    /**
     * Hands what {@link #write} buffered to the transport (UDP writes without a flush per datagram);
     * the export thread calls it once per turn. Nothing to do for a transport that sends at once.
     */
    public void flushWrites() {
    }

    /** Whether messages can be sent now. */
    public abstract boolean isOpen();

    /** Retries opening a closed destination (called on the timer; may wait for its next retry time). */
    public abstract void reopenIfClosed();

    /** Sends whatever was written, then closes. */
    public abstract CompletableFuture<Void> close();

    protected final void sent(int octets, int flowRecords, int dataRecordCount) {
        messagesSent.incrementAndGet();
        octetsSent.addAndGet(octets);
        flowRecordsSent.addAndGet(flowRecords);
        dataRecordsSent.addAndGet(dataRecordCount);
    }

    /** Several messages reached the destination at once (a file's buffer flushed). */
    protected final void sentMessages(int messages, long octets, long flowRecords, long dataRecordCount) {
        messagesSent.addAndGet(messages);
        octetsSent.addAndGet(octets);
        flowRecordsSent.addAndGet(flowRecords);
        dataRecordsSent.addAndGet(dataRecordCount);
    }

    protected final void notSent(int flowRecords) {
        notSentFlowRecords.addAndGet(flowRecords);
    }

    public String destination() {
        return destination;
    }

    /** The sequence number the next message of {@code observationDomainId} will carry. */
    public long sequenceNumber(long observationDomainId) {
        AtomicLong sequence = sequences.get(observationDomainId);
        return sequence == null ? 0 : sequence.get() & 0xFFFF_FFFFL;
    }

    public long messagesSent() {
        return messagesSent.get();
    }

    public long octetsSent() {
        return octetsSent.get();
    }

    public long flowRecordsSent() {
        return flowRecordsSent.get();
    }

    public long dataRecordsSent() {
        return dataRecordsSent.get();
    }

    public long templateRefreshes() {
        return templateRefreshes.get();
    }

    public long notSentFlowRecords() {
        return notSentFlowRecords.get();
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    public long unreachable() {
        return unreachable.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    /** Messages dropped because the session's buffer was full. */
    public long droppedMessages() {
        return droppedMessages.get();
    }

    /** ICMP errors the kernel reported for this destination (UDP). */
    public long icmpErrors() {
        return icmpErrors.get();
    }

    /** Flow records in messages the destination refused (estimated from ICMP errors; UDP). */
    public long refusedFlowRecords() {
        return refusedFlowRecords.get();
    }

    /** Messages held for this destination and not yet known to be delivered (TCP/TLS). */
    public int bufferedMessages() {
        return 0;
    }

    /** Starts the sequence of a domain at {@code records}: for tests of the 2^32 wrap. */
    void startSequenceAt(long observationDomainId, long records) {
        sequence(observationDomainId).set(records);
    }
}
