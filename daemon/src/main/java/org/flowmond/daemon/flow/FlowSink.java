package org.flowmond.daemon.flow;

/**
 * Where exported records go (IPFIX, JSON lines, seed tables). Called on the flow-table thread;
 * an implementation must not block for long and must not throw (it counts its own failures).
 */
public interface FlowSink {

    void biflow(BiflowRecord record);

    void syscallFlow(SyscallFlowRecord record);

    /** Called after each batch of records (one expiry pass), e.g. to flush buffered output. */
    default void endOfBatch() {
    }
}
