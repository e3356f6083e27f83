package org.flowmond.daemon.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every record to every output. One output that throws neither stops the others nor
 * the flow table: the failure is counted and logged at most once a minute.
 */
final class FanOutSink implements FlowSink {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutSink.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final List<FlowSink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    void set(List<FlowSink> newSinks) {
        sinks.clear();
        sinks.addAll(newSinks);
    }

    long failures() {
        return failures.get();
    }

    @Override
    public void biflow(BiflowRecord record) {
        for (FlowSink s : sinks) {
            try {
                s.biflow(record);
            } catch (RuntimeException e) {
                failed(s, e);
            }
        }
    }

    @Override
    public void syscallFlow(SyscallFlowRecord record) {
        for (FlowSink s : sinks) {
            try {
                s.syscallFlow(record);
            } catch (RuntimeException e) {
                failed(s, e);
            }
        }
    }

    @Override
    public void endOfBatch() {
        for (FlowSink s : sinks) {
            try {
                s.endOfBatch();
            } catch (RuntimeException e) {
                failed(s, e);
            }
        }
    }

    private void failed(FlowSink s, RuntimeException e) {
        long n = failures.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            LOG.warn("output {} failed ({} failures so far)", s.getClass().getSimpleName(), n, e);
        }
    }
}
