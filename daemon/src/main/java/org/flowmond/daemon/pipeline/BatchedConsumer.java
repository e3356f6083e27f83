package org.flowmond.daemon.pipeline;

import java.util.function.Consumer;

/**
 * A consumer that is also told when its source has ended one read (for the ring reader: the end of
 * each poll of the ring). It may hold back the work an item would cause (waking the flow thread)
 * until a batch is full or the read ends; a source that never calls {@link #endOfBatch()} still has
 * its items taken, at the flow thread's next cycle at the latest.
 */
public interface BatchedConsumer<T> extends Consumer<T> {

    /** The source delivered everything it had for now. */
    void endOfBatch();
}
