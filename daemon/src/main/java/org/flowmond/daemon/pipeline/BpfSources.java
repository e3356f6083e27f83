package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;
import org.flowmond.daemon.output.IpfixOutput;

/** The real sources: the BPF loaders of module bpf/ and the IPFIX exporter. */
final class BpfSources implements Sources {

    @Override
    public SocketEventSource openSyscall(Settings settings, KernelClock clock) {
        return SyscallProbesSource.open(settings, clock);
    }

    @Override
    public UniFlowSource openTc(Settings settings, KernelClock clock) {
        return TcFlowSource.open(settings, clock);
    }

    @Override
    public ExportOutput openExport(Settings settings) throws Exception {
        return IpfixOutput.open(settings);
    }
}
