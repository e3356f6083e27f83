package org.flowmond.daemon.output;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every record as one JSON line (nProbe field names, see {@link NprobeJson}) to a file,
 * flushed after each expiry pass. A write failure is counted and logged once per minute; the
 * flow table goes on.
 */
public final class JsonLinesSink implements FlowSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final Path path;
    private final IdentitySettings host;
    private final BufferedWriter out;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long lastLog = Long.MIN_VALUE / 2;

    public JsonLinesSink(Path path, IdentitySettings host) throws IOException {
        this.path = path;
        this.host = host;
        this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public void biflow(BiflowRecord record) {
        write(NprobeJson.biflow(record, host));
    }

    @Override
    public void syscallFlow(SyscallFlowRecord record) {
        write(NprobeJson.syscall(record, host));
    }

    @Override
    public void endOfBatch() {
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    public long written() {
        return written.get();
    }

    public long failed() {
        return failed.get();
    }

    private void write(String line) {
        try {
            out.write(line);
            out.write('\n');
            written.incrementAndGet();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        failed.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            LOG.warn("cannot write JSON records to {}: {} ({} records lost so far)", path, e.toString(), failed.get());
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
