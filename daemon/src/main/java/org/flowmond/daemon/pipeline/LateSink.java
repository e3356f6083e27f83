package org.flowmond.daemon.pipeline;

import java.util.Objects;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.SyscallFlowRecord;

/**
 * The flow table's sink while the outputs are still opening on another thread: it forwards to the
 * outputs' sink, set once they are open and before the flow thread starts. Volatile: besides the flow
 * thread, a stop or reload on another thread may export through it (one plain load on x86).
 */
final class LateSink implements FlowSink {
    private volatile FlowSink target;

    void forwardTo(FlowSink sink) {
        target = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void biflow(BiflowRecord record) {
        target.biflow(record);
    }

    @Override
    public void syscallFlow(SyscallFlowRecord record) {
        target.syscallFlow(record);
    }

    @Override
    public void endOfBatch() {
        target.endOfBatch();
    }
}
