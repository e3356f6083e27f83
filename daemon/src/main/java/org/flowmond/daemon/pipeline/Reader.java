package org.flowmond.daemon.pipeline;

/**
 * A kernel source and its handle on the flow thread's inbox: closing it first ends the reader's
 * waiting for room (see {@link FlowLoop}), then detaches the source.
 */
record Reader<S extends AutoCloseable>(S source, Inbox.Producer producer) implements AutoCloseable {

    @Override
    public void close() throws Exception {
        producer.close();
        source.close();
    }
}
