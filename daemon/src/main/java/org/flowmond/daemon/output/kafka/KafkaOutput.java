package org.flowmond.daemon.output.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.config.KafkaFormat;
import org.flowmond.daemon.config.KafkaSettings;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.IpfixOutput;
import org.flowmond.daemon.stats.KafkaCounters;
import org.flowmond.daemon.stats.StatisticsSnapshot;
import org.flowmond.daemon.output.NprobeJson;
import org.flowmond.ipfix.IpfixMessageSink;
import org.slf4j.LoggerFactory;

/**
 * Flow records to a Kafka topic: one JSON object (as {@code --json} writes it) per Kafka record,
 * or, with {@code format = ipfix}, one whole IPFIX message per Kafka record from an IPFIX
 * exporter of its own whose only destination is this output ({@link IpfixOutput#toSink}); the
 * counters then count messages, and the exporter's flow-record counters appear as {@code kafka.ipfix.*}.
 *
 * <p>The flow thread only offers each record to a bounded queue and never waits: a full queue is
 * a counted drop ({@code dropped.kafka-queue-full}). One sender thread takes the queue, turns each
 * record into JSON and hands it to the producer. That thread may wait: for metadata while no broker
 * answers (a broker down at start), or for room in the producer's buffer during an outage; it
 * retries the same record until the producer takes it, so what waits in the queue and the buffer
 * is delivered once a broker is back. Every record ends in exactly one counter:
 * {@code kafka.records-delivered} (acknowledged), {@code dropped.kafka-queue-full}, or
 * {@code dropped.kafka-delivery} (the producer gave up: delivery.timeout.ms, a record too large, an
 * authorization error, or still unsent when the output closed); until then it is pending.
 */
public final class KafkaOutput implements ExportOutput {
    /** How long close() lets the queue and the producer's buffer drain before what is left counts as undelivered. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** The exporter's counters shown in format ipfix, as {@code kafka.<name>}. */
    private final String topic;
    private final IdentitySettings host;
    /** All IPFIX messages of this host under one key: one partition, templates before the data they describe. */
    private final byte[] messageKey;
    /** The IPFIX exporter feeding this output in format ipfix; null in format json. */
    private IpfixOutput ipfix;
    private final Producer<byte[], byte[]> producer;
    private final ArrayBlockingQueue<Object> queue;
    private final Thread sender;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final RateLimitedLogger queueFullWarning = warningEveryMinute();
    private final RateLimitedLogger waitingWarning = warningEveryMinute();
    private final RateLimitedLogger deliveryWarning = warningEveryMinute();
    private final Callback onCompletion = this::completed;
    private volatile boolean closed;
    /** Set by the sender thread around producer.send(); read by {@link #completed} on the same thread. */
    private boolean inSend;
    private Exception sendFailure;

    KafkaOutput(KafkaSettings settings, IdentitySettings host, Producer<byte[], byte[]> producer) {
        this.topic = settings.topic();
        this.host = host;
        this.messageKey = ("ipfix/" + host.hostName() + "/" + host.machineId()).getBytes(StandardCharsets.UTF_8);
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(settings.queueLimit());
        this.sender = new Thread(this::send, "flowmond-kafka");
        sender.setDaemon(true);
        sender.start();
    }

    /** The output for the settings, or null when {@code outputs.kafka.bootstrap-servers} is empty. */
    public static KafkaOutput open(Settings s) {
        KafkaSettings k = s.outputs().kafka();
        if (!k.enabled()) {
            return null;
        }
        KafkaOutput out = new KafkaOutput(k, s.identity(), new KafkaProducer<>(ProducerProperties.of(k, s.identity())));
        if (k.format() == KafkaFormat.IPFIX) {
            try {
                out.ipfix = IpfixOutput.toSink(s, out.new MessageSink());
            } catch (IOException | RuntimeException e) {
                out.close();
                throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
            }
        }
        return out;
    }

    @Override
    public void biflow(BiflowRecord r) {
        if (ipfix != null) {
            ipfix.biflow(r);
        } else {
            offer(r);
        }
    }

    @Override
    public void syscallFlow(SyscallFlowRecord r) {
        if (ipfix != null) {
            ipfix.syscallFlow(r);
        } else {
            offer(r);
        }
    }

    private boolean offer(Object r) {
        produced.incrementAndGet();
        if (closed || !queue.offer(r)) {
            long n = queueFull.incrementAndGet();
            queueFullWarning.warn("Kafka output queue full ({} records waiting for the producer): {} records dropped so far",
                    queue.size(), n);
            return false;
        }
        if (closed) {
            countLeftInQueue(); // close() began after the check above and may have emptied the queue before this record came
        }
        return true;
    }

    /**
     * Takes what is left in the queue once closed and counts it as undelivered. Each record is taken
     * by one caller only, so close() and a racing offer() never count one twice nor miss one.
     */
    private void countLeftInQueue() {
        long n = 0;
        while (queue.poll() != null) {
            n++;
        }
        undelivered.addAndGet(n);
    }

    /** One encoded IPFIX message, copied off the exporter's buffer. */
    private record IpfixMessage(byte[] octets) {
    }

    /** The exporter's messages into this output's queue, on the export thread; never waits. */
    private final class MessageSink implements IpfixMessageSink {
        @Override
        public String name() {
            return "kafka:" + topic;
        }

        @Override
        public boolean accept(ByteBuffer message, int flowRecords) {
            byte[] octets = new byte[message.remaining()];
            message.get(octets);
            return offer(new IpfixMessage(octets)); // refused: the exporter counts its flow records as not sent
        }
    }

    /** The sender thread: queue → JSON → producer, until close() has taken what it could. */
    private void send() {
        List<Object> batch = new ArrayList<>(1024);
        while (!closed) {
            try {
                Object first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
            } catch (InterruptedException e) {
                return; // close(): the queue is counted there
            }
            for (int i = 0; i < batch.size(); i++) {
                ProducerRecord<byte[], byte[]> record;
                try {
                    record = record(batch.get(i));
                } catch (RuntimeException e) {
                    completed(null, e); // a record that cannot be written as JSON: counted, the others go on
                    continue;
                }
                if (!sendOne(record)) {
                    undelivered.addAndGet(batch.size() - i); // closed while no broker took them
                    return;
                }
            }
            batch.clear();
        }
    }

    /**
     * Hands one record to the producer, trying again while no broker takes it: the producer
     * reports "no metadata" (no broker reachable) and "buffer full" (an outage longer than its
     * buffer) after max.block.ms through the record's callback, within send(). False once closed.
     */
    private boolean sendOne(ProducerRecord<byte[], byte[]> record) {
        while (!closed) {
            sendFailure = null;
            inSend = true;
            try {
                producer.send(record, onCompletion);
            } catch (KafkaException | IllegalStateException e) {
                sendFailure = e; // interrupted by close(), or the producer is closed
            } finally {
                inSend = false;
            }
            Exception e = sendFailure;
            if (e == null) {
                return true;
            }
            if (!(e instanceof TimeoutException) || closed) {
                if (closed) {
                    return false;
                }
                completed(null, e); // not retriable (e.g. record too large): counted
                return true;
            }
            // the record stays in hand, later ones wait in the queue; both are counted if they never get out
            waitingWarning.warn("Kafka output: no broker takes records ({}); {} records waiting", e.getMessage(),
                    queue.size());
        }
        return false;
    }

    /** The producer's callback: on its I/O thread when a batch is acknowledged or given up, or within send(). */
    private void completed(RecordMetadata metadata, Exception e) {
        if (e == null) {
            delivered.incrementAndGet();
            return;
        }
        if (inSend && Thread.currentThread() == sender) {
            sendFailure = e; // this record, refused before it was queued: sendOne decides
            return;
        }
        long n = undelivered.incrementAndGet();
        deliveryWarning.warn("Kafka output: a record could not be delivered ({}); {} records lost so far", e.toString(), n);
    }

    private ProducerRecord<byte[], byte[]> record(Object r) {
        if (r instanceof IpfixMessage m) {
            return new ProducerRecord<>(topic, messageKey, m.octets());
        }
        if (r instanceof BiflowRecord b) {
            return new ProducerRecord<>(topic, RecordKeys.of(b), NprobeJson.biflowUtf8(b, host));
        }
        SyscallFlowRecord s = (SyscallFlowRecord) r;
        return new ProducerRecord<>(topic, RecordKeys.of(s), NprobeJson.syscallUtf8(s, host));
    }

    @Override
    public KafkaCounters counters() {
        long p = produced.get();
        long d = delivered.get();
        long full = queueFull.get();
        long lost = undelivered.get();
        IpfixOutput x = ipfix;
        return new KafkaCounters(p, d, Math.max(0, p - d - full - lost), full, lost, x == null ? null : x.counters());
    }

    /** In format ipfix the statistics go into the stream as options records, as to the collectors; JSON has none. */
    @Override
    public void exportStatistics(StatisticsSnapshot statistics) {
        IpfixOutput x = ipfix;
        if (x != null) {
            x.exportStatistics(statistics);
        }
    }

    /**
     * Lets the sender empty the queue and the producer deliver, for up to {@link #CLOSE_WAIT}
     * together; whatever is still not delivered then is counted in {@code dropped.kafka-delivery}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (ipfix != null) {
            ipfix.close(); // its last messages (the final statistics) into the queue first
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        long lostBefore = undelivered.get();
        try {
            while (!queue.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        sender.interrupt();
        try {
            sender.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        countLeftInQueue();
        // unfinished batches fail their callbacks (counted) when the producer gives up at the deadline
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        long lost = undelivered.get() - lostBefore;
        if (lost > 0) {
            LoggerFactory.getLogger(KafkaOutput.class).warn("Kafka output closed with {} records undelivered (counted in dropped.kafka-delivery)",
                    lost);
        }
    }

    /** One line at most a minute for a recurring problem; the counters carry every occurrence. */
    private static RateLimitedLogger warningEveryMinute() {
        return new RateLimitedLogger(LoggerFactory.getLogger(KafkaOutput.class), 1, TimeUnit.MINUTES);
    }
}
