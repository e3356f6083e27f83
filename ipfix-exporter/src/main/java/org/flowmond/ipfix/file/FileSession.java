package org.flowmond.ipfix.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.transport.ExportSession;
import org.flowmond.ipfix.transport.RateLimitedLog;
import org.flowmond.ipfix.transport.TemplateRefresh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPFIX file as one more export session: templates and type records once at the start, then
 * the same messages the collectors get, with the file's own sequence numbers. A write error is
 * counted and logged; the file is then closed and its records counted as not sent.
 */
public final class FileSession extends ExportSession {
    private static final Logger LOG = LoggerFactory.getLogger(FileSession.class);

    private final RateLimitedLog problems = new RateLimitedLog(LOG);
    private IpfixFileWriter writer;

    private FileSession(IpfixFileWriter writer) {
        super("file:" + writer.path(), TemplateRefresh.ONCE);
        this.writer = writer;
    }

    public static FileSession create(Path path) throws IOException {
        return new FileSession(IpfixFileWriter.create(path));
    }

    @Override
    protected boolean write(IpfixMessage stamped, int flowRecords) {
        if (writer == null) {
            notSent(flowRecords);
            return false;
        }
        try {
            int octets = writer.write(stamped);
            sent(octets, flowRecords, stamped.dataRecordCount());
            return true;
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            notSent(flowRecords);
            problems.warn("writing IPFIX file " + destination() + " failed; file closed", e);
            closeQuietly();
            return false;
        }
    }

    @Override
    public boolean isOpen() {
        return writer != null;
    }

    /** A failed file stays closed: reopening would truncate what was written. */
    @Override
    public void reopenIfClosed() {
    }

    /** Writes buffered messages to the file. */
    public void flush() {
        if (writer == null) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            problems.warn("writing IPFIX file " + destination() + " failed; file closed", e);
            closeQuietly();
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                sendErrors.incrementAndGet();
                LOG.warn("closing IPFIX file {} failed: {}", destination(), e.toString());
            }
            writer = null;
        }
        return CompletableFuture.completedFuture(null);
    }

    private void closeQuietly() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // already reported the first failure
        }
        writer = null;
    }
}
