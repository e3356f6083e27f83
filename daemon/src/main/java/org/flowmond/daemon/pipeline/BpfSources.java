package org.flowmond.daemon.pipeline;

import java.util.function.Predicate;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.owner.SocketOwnershipOptions;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.IpfixOutput;

/**
 * The real sources: the BPF loaders of module bpf/ and the IPFIX exporter. They decode kernel times
 * as the kernel wrote them (CLOCK_MONOTONIC): the flow table keeps its deadlines on that clock.
 */
final class BpfSources implements Sources {
    private static final KernelClock KERNEL_TIMES = KernelClock.monotonic();
    /** Opened once per pipeline; every TC source opened after it shares its maps. */
    private SocketOwnership ownership;

    @Override
    public OwnershipSource openOwnership(Settings settings) {
        SocketOwnership kernel = SocketOwnership.open(new SocketOwnershipOptions(settings.probes().ownerMapEntries()));
        ownership = kernel;
        return new OwnershipSource() {
            @Override
            public boolean canSeedExisting() {
                return kernel.canSeedExisting();
            }

            @Override
            public int seedExisting() {
                return kernel.seedExisting();
            }

            @Override
            public OwnershipStatistics statistics() {
                return kernel.statistics();
            }

            @Override
            public void close() {
                kernel.close();
            }
        };
    }

    @Override
    public SocketEventSource openSyscall(Settings settings) {
        return SyscallProbesSource.open(settings, KERNEL_TIMES, ownership);
    }

    @Override
    public UniFlowSource openTc(Settings settings, Predicate<UniFlow> overflow) {
        return TcFlowSource.open(settings, KERNEL_TIMES, ownership, overflow);
    }

    @Override
    public ExportOutput openExport(Settings settings) throws Exception {
        return IpfixOutput.open(settings);
    }
}
