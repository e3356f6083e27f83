package org.flowmond.ipfix;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.ipfix.interop.TestCertificates;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flow records through the whole exporter to a local collector: queued, packed, encoded and
 * sent by the one export thread (one core), over UDP (MTU-sized datagrams), TCP and TLS
 * (messages up to 65535 octets), in one run. The collector is socat on loopback reading into
 * /dev/null (terminating TLS with mutual authentication, certificates made by openssl). One
 * operation is one {@link FlowRecord} ({@code RFC5103}, the shipped default); an invocation
 * exports 16,384 records (waiting for room in the exporter's queue, as the daemon does) and
 * flushes, returning once they are encoded and handed to the transport. Over TCP/TLS up to
 * {@code collector-buffer} (1,024) messages may wait for the collector's acknowledgement; a batch
 * starts only when at most half of them do, so a collector slower than the exporter slows the
 * benchmark down instead of making it drop. A run that dropped or failed to send any record fails
 * at tear-down (after close() waited for every acknowledgement) rather than report a rate it did
 * not deliver.
 * Run: see the module README, "Benchmark".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 5)
public class ExportBenchmark {
    private static final int BATCH = 16_384;
    private static final int BUFFER = 1024;

    @Param({"UDP", "TCP", "TLS"})
    public Transport transport;

    private List<FlowRecord> flows;
    private Path dir;
    private Process collector;
    private IpfixExporter exporter;
    /** The export thread's CPU time and the records it sent, at the start of the measured part. */
    private long exportThreadId = -1;
    private long cpuNanosAtStart;
    private long recordsAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        flows = TestFlows.flows(BATCH, 7, 0);
        dir = Files.createTempDirectory("export-bench");
        int port = transport == Transport.UDP ? FreePorts.udp() : FreePorts.tcp();
        Collector target;
        String listen;
        switch (transport) {
            case UDP -> {
                listen = "UDP-RECV:" + port + ",bind=127.0.0.1,rcvbuf=8388608";
                target = new Collector("127.0.0.1", port);
            }
            case TCP -> {
                listen = "TCP-LISTEN:" + port + ",reuseaddr,bind=127.0.0.1";
                target = Collector.tcp("127.0.0.1", port, BUFFER);
            }
            default -> {
                TestCertificates certs = TestCertificates.create(dir, "");
                listen = "OPENSSL-LISTEN:" + port + ",reuseaddr,bind=127.0.0.1,cert=" + certs.collectorCertificate
                        + ",key=" + certs.collectorKey + ",cafile=" + certs.ca + ",verify=1";
                target = Collector.tls("127.0.0.1", port, certs.exporterFiles(), BUFFER);
            }
        }
        Path log = dir.resolve("socat.log");
        collector = new ProcessBuilder("socat", "-d", "-d", "-u", listen, "OPEN:/dev/null")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        while (!Files.readString(log).contains("listening on") && !Files.readString(log).contains("starting data")) {
            Thread.sleep(20);
        }
        exporter = IpfixExporter.start(Settings.to(target).withMode(BiflowMode.RFC5103).build());
        while (transport != Transport.UDP && !exporter.statistics().collectors().get(0).connected()) {
            Thread.sleep(20);
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("flowmond-ipfix")) {
                exportThreadId = t.getId();
            }
        }
    }

    /**
     * The export thread's own CPU time per iteration: records sent per CPU-second of that one
     * thread is the per-core rate, whatever else (the benchmark's producer, socat, other load)
     * shares the machine's cores.
     */
    @Setup(Level.Iteration)
    public void markIteration() {
        cpuNanosAtStart = ManagementFactory.getThreadMXBean().getThreadCpuTime(exportThreadId);
        recordsAtStart = exporter.statistics().flowRecordsEncoded();
    }

    @TearDown(Level.Iteration)
    public void perCore() {
        long cpu = ManagementFactory.getThreadMXBean().getThreadCpuTime(exportThreadId) - cpuNanosAtStart;
        long records = exporter.statistics().flowRecordsEncoded() - recordsAtStart;
        System.out.printf(" [%s export thread: %,d records in %.2f CPU-s = %,.0f records per CPU-second]",
                transport, records, cpu / 1e9, records / (cpu / 1e9));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void exportAndSend() throws InterruptedException {
        while (exporter.statistics().collectors().get(0).bufferedMessages() > BUFFER / 2) {
            Thread.sleep(1);
        }
        for (FlowRecord f : flows) {
            exporter.export(f, Duration.ofSeconds(10));
        }
        exporter.flush(Duration.ofSeconds(30));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        exporter.close();
        collector.destroy();
        collector.waitFor(10, TimeUnit.SECONDS);
        ExporterStatistics s = exporter.statistics();
        CollectorStatistics c = s.collectors().get(0);
        System.out.printf("%n%s: %,d records encoded, %,d sent in %,d messages (%,d octets, %.0f octets/message), "
                        + "not sent %,d, dropped at the queue %,d%n", transport, s.flowRecordsEncoded(),
                c.flowRecordsSent(), c.messagesSent(), c.octetsSent(), (double) c.octetsSent() / c.messagesSent(),
                c.notSentFlowRecords(), s.recordsDroppedQueueFull());
        if (c.notSentFlowRecords() + s.recordsDroppedQueueFull() + s.recordsDroppedClosed() > 0) {
            throw new IllegalStateException("records were lost during the run: the rate would not be a delivered rate");
        }
    }
}
