package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.tc.TcAttachMode;
import org.flowmond.daemon.stats.SyscallCounters;
import org.flowmond.daemon.stats.TcCounters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.daemon.config.Settings;

/** In-memory kernel sources: a map standing for the TC flow map and a list standing for the ring buffer. */
final class FakeSources implements Sources {
    final Map<FlowKey, FlowCounters> tcMap = new HashMap<>();
    /** The owners stamped on a tcMap entry: {source, destination}, either may be null. */
    final Map<FlowKey, SocketOwner[]> owners = new HashMap<>();
    /** What the kernel's ownership counters say, and how often the start-up scan ran. */
    OwnershipStatistics ownershipStatistics = new OwnershipStatistics(0, 0, 0, 0, 0, 0, List.of("cgroup/connect4"));
    int seeded;
    int ownershipOpened;
    Consumer<SocketEvent> consumer;
    /** Where the TC source opened last hands overflow records (as its reader thread would). */
    Predicate<UniFlow> overflow;
    /**
     * The overflow ring of the TC source opened last: its lock, which its reader holds while it
     * delivers, and where it delivers. Each TC source has its own, as each TC program has its own
     * ring: a reload's new reader never holds the lock that the old ring's last reading takes.
     */
    private volatile OverflowRing ring;

    private record OverflowRing(Object lock, Predicate<UniFlow> sink) {
    }
    /** Called before each entry a scan hands over (tests that act in the middle of a scan). */
    volatile Consumer<UniFlow> beforeScanEntry = u -> { };
    /** Overflow records waiting in the "ring" for {@link UniFlowSource#drainOverflow()}. */
    final List<UniFlow> ringRecords = new ArrayList<>();
    long overflowRefused;
    int tcOpened;
    int syscallOpened;
    int closed;
    int interfaceRefreshes;
    /** How often the flow thread asked each source's reader to wake if records wait. */
    volatile int syscallWakeChecks;
    volatile int tcWakeChecks;
    int exportOpened;
    int kafkaOpened;
    /** Count Kafka opens without a producer (tests that need no Kafka client). */
    boolean fakeKafka;

    @Override
    public OwnershipSource openOwnership(Settings settings) {
        ownershipOpened++;
        return new OwnershipSource() {
            @Override
            public boolean canSeedExisting() {
                return true;
            }

            @Override
            public int seedExisting() {
                seeded++;
                return 0;
            }

            @Override
            public OwnershipStatistics statistics() {
                return ownershipStatistics;
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    @Override
    public SocketEventSource openSyscall(Settings settings) {
        syscallOpened++;
        return new SocketEventSource() {
            @Override
            public HookVariant variant() {
                return HookVariant.TRACEPOINT;
            }

            @Override
            public void start(Consumer<SocketEvent> c) {
                consumer = c;
            }

            @Override
            public void wakeReaderIfPending() {
                syscallWakeChecks++;
            }

            @Override
            public void drain() {
            }

            @Override
            public SyscallCounters counters() {
                return new SyscallCounters(0, 0, 0, 0, 0, 0, 0, 0, variant());
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    @Override
    public UniFlowSource openTc(Settings settings, Predicate<UniFlow> overflowSink) {
        tcOpened++;
        overflow = overflowSink;
        OverflowRing mine = new OverflowRing(new Object(), overflowSink);
        ring = mine;
        return new UniFlowSource() {
            @Override
            public int scan(Consumer<UniFlow> sink) {
                List<UniFlow> all = new ArrayList<>();
                tcMap.forEach((k, v) -> {
                    SocketOwner[] o = owners.getOrDefault(k, new SocketOwner[2]);
                    all.add(new UniFlow(k, v, o[0], o[1]));
                });
                for (UniFlow u : all) {
                    beforeScanEntry.accept(u);
                    sink.accept(u);
                }
                return all.size();
            }

            @Override
            public long insertedSinceLastScan() {
                return tcMap.size(); // an upper bound: every entry may be new
            }

            @Override
            public UniFlow lookupAndDelete(FlowKey key) {
                FlowCounters c = tcMap.remove(key);
                SocketOwner[] o = owners.getOrDefault(key, new SocketOwner[2]);
                return c == null ? null : new UniFlow(key, c, o[0], o[1]);
            }

            @Override
            public void drainOverflow() {
                synchronized (mine.lock()) {
                    ringRecords.forEach(u -> deliver(mine, u));
                    ringRecords.clear();
                }
            }

            @Override
            public void wakeReaderIfPending() {
                tcWakeChecks++;
            }

            @Override
            public void refreshInterfaces() {
                interfaceRefreshes++;
            }

            @Override
            public TcCounters counters() {
                return new TcCounters(0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 1, TcAttachMode.TCX);
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    /** One overflow record as the ring's reader thread delivers it: holding the ring's lock. */
    void overflowFromReader(UniFlow u) {
        OverflowRing r = ring;
        synchronized (r.lock()) {
            deliver(r, u);
        }
    }

    private void deliver(OverflowRing r, UniFlow u) {
        if (!r.sink().test(u)) {
            overflowRefused++;
        }
    }

    @Override
    public org.flowmond.daemon.output.ExportOutput openExport(Settings settings) {
        exportOpened++;
        return null;
    }

    @Override
    public org.flowmond.daemon.output.ExportOutput openKafka(Settings settings) {
        kafkaOpened++;
        return fakeKafka ? null : Sources.super.openKafka(settings);
    }
}
