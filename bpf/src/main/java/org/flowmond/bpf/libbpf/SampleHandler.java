package org.flowmond.bpf.libbpf;

import java.nio.ByteBuffer;

/** Receives ring-buffer samples on the thread that calls {@link RingBuffer#poll} or {@link RingBuffer#consume}. */
@FunctionalInterface
public interface SampleHandler {
    /**
     * One sample: a read-only little-endian view, valid only during this call (the buffer is reused
     * for the next sample): copy or decode what you keep. An exception is caught, counted
     * ({@link RingBuffer#handlerFailures()}) and logged, never thrown into libbpf.
     */
    void onSample(ByteBuffer sample);
}
