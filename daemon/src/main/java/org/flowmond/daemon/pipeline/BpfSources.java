package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.daemon.config.Settings;

/** The real sources: the BPF loaders of module bpf/ and the IPFIX exporter. */
final class BpfSources implements Sources {

    @Override
    public SocketEventSource openSyscall(Settings settings, KernelClock clock) {
        throw new IllegalStateException("the syscall probe loader (org.flowmond.bpf.syscall) is not in this build yet");
    }

    @Override
    public UniFlowSource openTc(Settings settings, KernelClock clock) {
        throw new IllegalStateException("the TC flow loader (org.flowmond.bpf.tc) is not in this build yet");
    }

    @Override
    public ExportOutput openExport(Settings settings) {
        return null; // the IPFIX exporter adapter is wired when the exporter API is committed
    }
}
