package org.flowmond.daemon.output;

import java.io.IOException;
import java.nio.file.Path;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every record as one JSON line (nProbe field names, see {@link NprobeJson}) to a file,
 * flushed after each expiry pass and whenever 64 KiB are buffered. Counting is exact
 * ({@link LineFile}): a record is written once its line reached the file; a failed flush (a full
 * disk) counts the buffer's records as failed and leaves no half line; the flow table goes on,
 * and writing resumes when there is room. Failures are logged at most once per minute, and once
 * when writing works again.
 */
public final class JsonLinesSink implements FlowSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final IdentitySettings host;
    private final LineFile file;
    private long lastLog = Long.MIN_VALUE / 2;
    private boolean failing;
    private long failedAtLastSuccess; // failures counted at the last flush that worked

    public JsonLinesSink(Path path, IdentitySettings host) throws IOException {
        this.host = host;
        this.file = LineFile.append(path);
        if (file.endsWithPartialLine()) {
            LOG.warn("{} ends with a partial line (an earlier run stopped while writing it); new records start on the"
                    + " next line", path);
        }
    }

    @Override
    public void biflow(BiflowRecord record) {
        failure(file.line(NprobeJson.biflow(record, host), true));
    }

    @Override
    public void syscallFlow(SyscallFlowRecord record) {
        failure(file.line(NprobeJson.syscall(record, host), true));
    }

    @Override
    public void endOfBatch() {
        IOException error = file.flush();
        if (error != null) {
            failure(error);
        } else {
            recovered();
        }
    }

    /** Records whose line reached the file. */
    public long written() {
        return file.written();
    }

    /** Records lost because writing their line failed. */
    public long failed() {
        return file.failed();
    }

    /** Partial lines that could not be cut off after a failure (each is followed by a newline). */
    public long partialLines() {
        return file.partialLines();
    }

    private synchronized void failure(IOException error) {
        if (error == null) {
            return;
        }
        failing = true;
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            LOG.warn("cannot write JSON records to {}: {} ({} records lost so far, {} written)", file.path(), error,
                    file.failed(), file.written());
        }
    }

    private synchronized void recovered() {
        if (failing) {
            failing = false;
            LOG.info("writing JSON records to {} again; {} records were lost while it failed", file.path(),
                    file.failed() - failedAtLastSuccess);
        }
        failedAtLastSuccess = file.failed();
    }

    @Override
    public void close() throws IOException {
        try {
            file.close();
        } catch (IOException e) {
            failure(e);
            throw e;
        }
    }
}
