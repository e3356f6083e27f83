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
        throw new IllegalStateException("the TC flow loader (org.flowmond.bpf.tc) is not in this build yet");
    }

    @Override
    public ExportOutput openExport(Settings settings) throws Exception {
        return IpfixOutput.open(settings);
    }
}
