package org.flowmond.daemon.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.syscall.SyscallFilter;
import org.flowmond.bpf.syscall.SyscallProbeOptions;
import org.flowmond.bpf.syscall.SyscallProbeStats;
import org.flowmond.bpf.syscall.SyscallProbes;
import org.flowmond.daemon.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SocketEventSource} over the BPF connect/accept probes of module bpf/. */
final class SyscallProbesSource implements SocketEventSource {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallProbesSource.class);

    private final SyscallProbes probes;

    private SyscallProbesSource(SyscallProbes probes) {
        this.probes = probes;
    }

    /** With {@code ownership}, the SOCKET variant is possible: connects and accepts from socket state changes. */
    static SyscallProbesSource open(Settings s, KernelClock clock, SocketOwnership ownership) {
        SyscallProbeOptions options = new SyscallProbeOptions(s.probes().syscallHook(), kernelFilter(s),
                s.probes().ringBufferBytes(), s.probes().ringPollInterval()).withOwnership(ownership);
        return new SyscallProbesSource(SyscallProbes.open(options, clock));
    }

    /**
     * The seed filters, applied in the kernel when they fit its arrays (16 PIDs, 16 ports);
     * otherwise everything is sent and the flow table filters alone (it always filters too).
     */
    static SyscallFilter kernelFilter(Settings s) {
        var f = s.filter();
        if (f.pids().size() > SyscallFilter.MAX_PIDS || f.ports().size() > SyscallFilter.MAX_PORTS) {
            LOG.info("more than {} PIDs or ports: filtering connect/accept events in the daemon, not in the kernel",
                    SyscallFilter.MAX_PIDS);
            return SyscallFilter.none();
        }
        return new SyscallFilter(f.pids(), f.ports(), f.portRange().map(r -> r.low()).orElse(0),
                f.portRange().map(r -> r.high()).orElse(0));
    }

    @Override
    public HookVariant variant() {
        return probes.variantInUse();
    }


    @Override
    public void start(Consumer<SocketEvent> consumer) {
        probes.start(consumer);
    }

    @Override
    public void drain() throws InterruptedException {
        probes.drain();
    }

    @Override
    public Map<String, Long> counters() {
        SyscallProbeStats st = probes.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("dropped.ring-buffer", st.ringBufferFull());
        m.put("dropped.syscall-stash-full", st.stashFull());
        m.put("dropped.syscall-undecodable", st.undecodable());
        m.put("syscall.kernel-filtered", st.filtered());
        m.put("syscall.delivered", st.delivered());
        m.put("syscall.consumer-failures", st.consumerFailures());
        m.put("dropped.syscall-no-owner", st.noOwner());
        return m;
    }

    @Override
    public void close() {
        probes.close();
    }
}
