package org.flowmond.daemon.pipeline;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;

/** Opens what the pipeline connects: the kernel's socket ownership, the two kernel sources and the network exporter. */
public interface Sources {

    /** Opened once, before the first {@link #openTc}, which stamps its owners into flow entries. */
    OwnershipSource openOwnership(Settings settings) throws Exception;

    SocketEventSource openSyscall(Settings settings, KernelClock clock) throws Exception;

    UniFlowSource openTc(Settings settings, KernelClock clock) throws Exception;

    /** The IPFIX output (collectors and the optional IPFIX file), or null when it has nothing to send to. */
    ExportOutput openExport(Settings settings) throws Exception;

}
