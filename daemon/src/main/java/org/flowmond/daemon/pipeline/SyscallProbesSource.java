package org.flowmond.daemon.pipeline;

import org.flowmond.daemon.stats.SyscallCounters;
import java.time.Duration;
import java.util.function.Consumer;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.syscall.SyscallFilter;
import org.flowmond.bpf.syscall.SyscallProbeOptions;
import org.flowmond.bpf.syscall.SyscallProbeStats;
import org.flowmond.bpf.syscall.SyscallProbes;
import org.flowmond.daemon.config.FilterSettings;
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

    /**
     * What {@link #open} reads: a reload reopens the probes when this changed. The filter is the one
     * the kernel applies (the flow table filters on its own, in place).
     */
    record Slice(HookVariant hook, SyscallFilter kernelFilter, int ringBufferBytes, Duration ringPollInterval) {
    }

    static Slice slice(Settings s) {
        return new Slice(s.probes().syscallHook(), fittingFilter(s.filter()), s.probes().ringBufferBytes(),
                s.probes().ringPollInterval());
    }

    /** With {@code ownership}, the SOCKET variant is possible: connects and accepts from socket state changes. */
    static SyscallProbesSource open(Settings s, KernelClock clock, SocketOwnership ownership) {
        SyscallProbeOptions options = new SyscallProbeOptions(s.probes().syscallHook(), kernelFilter(s),
                s.probes().ringBufferBytes(), s.probes().ringPollInterval()).withOwnership(ownership)
                .withQuietPollInterval(FlowLoop.READERS_QUIET_WAIT); // ring-poll-interval is at most 10 s
        return new SyscallProbesSource(SyscallProbes.open(options, clock));
    }

    /**
     * The seed filters, applied in the kernel when they fit its arrays (16 PIDs, 16 ports);
     * otherwise everything is sent and the flow table filters alone (it always filters too).
     */
    static SyscallFilter kernelFilter(Settings s) {
        if (!fits(s.filter())) {
            LOG.info("more than {} PIDs or ports: filtering connect/accept events in the daemon, not in the kernel",
                    SyscallFilter.MAX_PIDS);
        }
        return fittingFilter(s.filter());
    }

    private static boolean fits(FilterSettings f) {
        return f.pids().size() <= SyscallFilter.MAX_PIDS && f.ports().size() <= SyscallFilter.MAX_PORTS;
    }

    /** The filter, or none when it does not fit the kernel's arrays. */
    private static SyscallFilter fittingFilter(FilterSettings f) {
        if (!fits(f)) {
            return SyscallFilter.none();
        }
        return new SyscallFilter(f.pids(), f.ports(), f.portRange().map(r -> r.low()).orElse(0),
                f.portRange().map(r -> r.high()).orElse(0));
    }

    @Override
    public HookVariant variant() {
        return probes.variantInUse();
    }


    /** A {@link BatchedConsumer} hears the end of each ring read (the reader's poll). */
    @Override
    public void start(Consumer<SocketEvent> consumer) {
        Runnable endOfRead = consumer instanceof BatchedConsumer<SocketEvent> b ? b::endOfBatch : () -> { };
        probes.start(consumer, endOfRead);
    }

    @Override
    public void wakeReaderIfPending() {
        probes.wakeReaderIfPending();
    }

    @Override
    public void drain() throws InterruptedException {
        probes.drain();
    }

    @Override
    public SyscallCounters counters() {
        SyscallProbeStats st = probes.stats();
        return new SyscallCounters(st.ringBufferFull(), st.stashFull(), st.undecodable(), st.filtered(), st.delivered(),
                st.consumerFailures(), st.noOwner(), st.recursionMisses(), variant());
    }

    @Override
    public void close() {
        probes.close();
    }
}
