package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.owner.SocketOwnershipOptions;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.IpfixOutput;

/** The real sources: the BPF loaders of module bpf/ and the IPFIX exporter. */
final class BpfSources implements Sources {
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
    public SocketEventSource openSyscall(Settings settings, KernelClock clock) {
        return SyscallProbesSource.open(settings, clock, ownership);
    }

    @Override
    public UniFlowSource openTc(Settings settings, KernelClock clock) {
        return TcFlowSource.open(settings, clock, ownership);
    }

    @Override
    public ExportOutput openExport(Settings settings) throws Exception {
        return IpfixOutput.open(settings);
    }
}
