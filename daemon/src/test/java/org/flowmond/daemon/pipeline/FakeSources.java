package org.flowmond.daemon.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
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
    int tcOpened;
    int syscallOpened;
    int closed;
    int interfaceRefreshes;

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
    public SocketEventSource openSyscall(Settings settings, KernelClock clock) {
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
            public void drain() {
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of("dropped.ring-buffer", 0L);
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    @Override
    public UniFlowSource openTc(Settings settings, KernelClock clock) {
        tcOpened++;
        return new UniFlowSource() {
            @Override
            public List<UniFlow> scan() {
                List<UniFlow> all = new ArrayList<>();
                tcMap.forEach((k, v) -> {
                    SocketOwner[] o = owners.getOrDefault(k, new SocketOwner[2]);
                    all.add(new UniFlow(k, v, o[0], o[1]));
                });
                return all;
            }

            @Override
            public UniFlow lookupAndDelete(FlowKey key) {
                FlowCounters c = tcMap.remove(key);
                SocketOwner[] o = owners.getOrDefault(key, new SocketOwner[2]);
                return c == null ? null : new UniFlow(key, c, o[0], o[1]);
            }

            @Override
            public void drainOverflow(Consumer<UniFlow> c) {
            }

            @Override
            public void refreshInterfaces() {
                interfaceRefreshes++;
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of("dropped.map-full", 0L);
            }

            @Override
            public void close() {
                closed++;
            }
        };
    }

    @Override
    public org.flowmond.daemon.output.ExportOutput openExport(Settings settings) {
        return null;
    }
}
