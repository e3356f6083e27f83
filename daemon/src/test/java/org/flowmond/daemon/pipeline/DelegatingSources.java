package org.flowmond.daemon.pipeline;

import java.util.function.Predicate;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.output.ExportOutput;

/** Sources that hand every open to {@code inner}: a test overrides only the one it changes. */
class DelegatingSources implements Sources {
    private final Sources inner;

    DelegatingSources(Sources inner) {
        this.inner = inner;
    }

    @Override
    public OwnershipSource openOwnership(Settings settings) throws Exception {
        return inner.openOwnership(settings);
    }

    @Override
    public SocketEventSource openSyscall(Settings settings) throws Exception {
        return inner.openSyscall(settings);
    }

    @Override
    public UniFlowSource openTc(Settings settings, Predicate<UniFlow> overflow) throws Exception {
        return inner.openTc(settings, overflow);
    }

    @Override
    public ExportOutput openExport(Settings settings) throws Exception {
        return inner.openExport(settings);
    }

    @Override
    public ExportOutput openKafka(Settings settings) {
        return inner.openKafka(settings);
    }
}
