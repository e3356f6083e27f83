package org.flowmond.daemon.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.daemon.config.FlowSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The flow table's merge of one full scan of the kernel map, alone (issue 11's target: 1,000,000
 * flows in ≤ 150 ms): readings as the map reader hands them over, merged through
 * {@link FlowTable#beginScan(long)}. Flows as in bench/scale.sh: one UDP datagram per
 * flow towards one server, counted at one hook. Three scans: into an empty table (every flow
 * new), into a full one where every flow has a new packet, and into a full one where none has.
 * One merge per iteration (single shot); the heap is collected before each. Uses only the flow
 * table's public API ({@code beginScan} through a method handle, with or without the kernel's
 * bound), so it runs unchanged against an earlier build (bench/merge-jmh.sh).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms3g", "-Xmx3g"})
public class MergeBenchmark {
    private static final long T0 = 1_000_000_000_000L;

    /**
     * The flows of the two scans: one UDP client port each. The readings are made as the merge takes
     * them, as the map reader decodes each chunk just before the merge (readings made beforehand and
     * kept would be a cache miss each, which the daemon does not pay).
     */
    @State(Scope.Benchmark)
    public static class Scans {
        @Param("1000000")
        int flows;
        InetAddress server;
        InetAddress[] clients;

        @Setup(Level.Trial)
        public void makeAddresses() {
            server = address(10, 0, 0, 1);
            clients = new InetAddress[flows / 50_000 + 1];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = address(10, 1, i >> 8, i & 0xFF); // few addresses, shared as the map reader's cache shares them
            }
        }

        /** Reading {@code i} of the first scan (one packet) or the second (one more packet). */
        UniFlow reading(int i, boolean second) {
            FlowKey k = new FlowKey(clients[i / 50_000], server, 10_000 + i % 50_000, 9000, 17, FlowKey.ETH_P_IP,
                    2, Direction.INGRESS);
            long t = T0 + i;
            return new UniFlow(k, second ? new FlowCounters(2, 128, t, t + 1_000_000_000L, 0) : new FlowCounters(1, 64, t, t, 0));
        }
    }

    /** An empty table: the scan creates every flow. */
    @State(Scope.Thread)
    public static class EmptyTable {
        FlowTable table;

        @Setup(Level.Iteration)
        public void create(Scans scans) {
            table = null;
            System.gc();
            table = newTable(scans.flows);
        }
    }

    /** A table that holds every flow of the first scan. */
    @State(Scope.Thread)
    public static class FullTable {
        FlowTable table;

        @Setup(Level.Iteration)
        public void fill(Scans scans) {
            table = null;
            System.gc();
            table = newTable(scans.flows);
            merge(table, scans, false);
            System.gc();
        }
    }

    @Benchmark
    public FlowTable newFlows(EmptyTable t, Scans scans) {
        return merge(t.table, scans, false);
    }

    @Benchmark
    public FlowTable everyFlowChanged(FullTable t, Scans scans) {
        return merge(t.table, scans, true);
    }

    @Benchmark
    public FlowTable noFlowChanged(FullTable t, Scans scans) {
        return merge(t.table, scans, false);
    }

    /**
     * The table's {@code beginScan}, called with the bound the daemon passes (the kernel's count of
     * inserts since the last scan: every flow for the first scan here, none for the second), or with
     * the bound dropped on builds from before it, whose {@code beginScan()} takes none.
     */
    private static final MethodHandle BEGIN_SCAN = beginScan();

    private static FlowTable merge(FlowTable table, Scans scans, boolean second) {
        try (ScanMerge scan = begin(table, table.activeBiflows() == 0 ? scans.flows : 0)) {
            for (int i = 0; i < scans.flows; i++) {
                scan.accept(scans.reading(i, second));
            }
        }
        return table;
    }

    private static ScanMerge begin(FlowTable table, long inserted) {
        try {
            return (ScanMerge) BEGIN_SCAN.invokeExact(table, inserted);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle beginScan() {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            try {
                return lookup.findVirtual(FlowTable.class, "beginScan", MethodType.methodType(ScanMerge.class, long.class));
            } catch (NoSuchMethodException before) {
                MethodHandle unbounded = lookup.findVirtual(FlowTable.class, "beginScan", MethodType.methodType(ScanMerge.class));
                return MethodHandles.dropArguments(unbounded, 1, long.class);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static FlowTable newTable(int flows) {
        FlowSettings settings = new FlowSettings(flows, 1000, Duration.ofSeconds(300), Duration.ofSeconds(300),
                Duration.ofSeconds(1));
        FlowSink none = new FlowSink() {
            @Override
            public void biflow(BiflowRecord r) {
            }

            @Override
            public void syscallFlow(SyscallFlowRecord r) {
            }
        };
        return new FlowTable(settings, FilterSettings.NONE, () -> T0, t -> t, k -> null, resolver(), none);
    }

    private static ProcessResolver resolver() {
        try {
            Path dir = Files.createTempDirectory("merge-bench");
            Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            dir.toFile().deleteOnExit();
            passwd.toFile().deleteOnExit();
            return new ProcessResolver(new UserNames(passwd), dir.resolve("noproc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
