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
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.Settings;

/** In-memory kernel sources: a map standing for the TC flow map and a list standing for the ring buffer. */
final class FakeSources implements Sources {
    final Map<FlowKey, FlowCounters> tcMap = new HashMap<>();
    final List<SocketEvent> existing = new ArrayList<>();
    Consumer<SocketEvent> consumer;
    int tcOpened;
    int syscallOpened;
    int closed;
    int interfaceRefreshes;

    @Override
    public SocketEventSource openSyscall(Settings settings, KernelClock clock) {
        syscallOpened++;
        return new SocketEventSource() {
            @Override
            public HookVariant variant() {
                return HookVariant.TRACEPOINT;
            }

            @Override
            public List<SocketEvent> scanExisting() {
                return existing;
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
                tcMap.forEach((k, v) -> all.add(new UniFlow(k, v)));
                return all;
            }

            @Override
            public FlowCounters lookupAndDelete(FlowKey key) {
                return tcMap.remove(key);
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
