package org.flowmond.ipfix;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.testing.TestFlows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Flow records to IPFIX message bytes on one thread: packing into MTU-sized messages (1472
 * octets) and encoding each message into a buffer, as the export thread does before the socket
 * write. One operation is one {@link FlowRecord} (a uniflow pair for {@code UNIFLOWS}).
 * {@code records}: {@code mixed} is the test data's TCP, UDP and ICMP flows without TCP health
 * (the records of main before TCP health); {@code tcp} only its TCP flows, without health, and
 * {@code tcp-health} the same TCP flows each with a {@link TcpHealth}: the difference is the cost of
 * the health elements per record. Run: see the module README, "Benchmark".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EncodeBenchmark {
    private static final int BATCH = 1024;

    @Param({"NPROBE", "RFC5103", "UNIFLOWS"})
    public BiflowMode mode;

    @Param({"mixed", "tcp", "tcp-health"})
    public String records;

    private List<FlowRecord> flows;
    private ExportTemplates templates;
    private MessagePacker packer;
    private ByteBuf out;
    private long encodedOctets;

    @Setup
    public void setUp() {
        flows = switch (records) {
            case "mixed" -> TestFlows.flows(BATCH, 7, 0);
            case "tcp" -> tcpFlows(false);
            case "tcp-health" -> tcpFlows(true);
            default -> throw new IllegalArgumentException(records);
        };
        templates = new ExportTemplates(mode, 32473);
        out = Unpooled.directBuffer(65536);
        packer = new MessagePacker(1500 - 28, 1, () -> 1_700_000_000L, message -> {
            out.clear();
            IpfixMessageEncoder.INSTANCE.encode(message, out);
            encodedOctets += out.readableBytes();
        });
    }

    /** {@link #BATCH} TCP flows of the test data, the same ones with or without their health. */
    private static List<FlowRecord> tcpFlows(boolean health) {
        List<FlowRecord> with = TestFlows.flowsWithTcpHealth(4 * BATCH, 7, 0);
        List<FlowRecord> without = TestFlows.flows(4 * BATCH, 7, 0);
        List<FlowRecord> out = new java.util.ArrayList<>();
        for (int i = 0; i < with.size() && out.size() < BATCH; i++) {
            if (with.get(i).tcpHealth().isPresent()) {
                out.add(health ? with.get(i) : without.get(i));
            }
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void packAndEncode(Blackhole bh) {
        for (FlowRecord f : flows) {
            templates.packFlow(f, packer);
        }
        packer.flush();
        bh.consume(encodedOctets);
    }
}
