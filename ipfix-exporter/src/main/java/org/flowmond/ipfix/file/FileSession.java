package org.flowmond.ipfix.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.transport.ExportSession;
import org.flowmond.ipfix.transport.TemplateRefresh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPFIX file as one more export session: templates and type records once at the start, then
 * the same messages the collectors get, with the file's own sequence numbers.
 *
 * <p>A message counts as sent (and its records as written) only once the buffer holding it is
 * flushed to the file. A flush that fails (a full disk) counts every flow record of the buffer
 * as not sent and leaves the file ending with its last whole message ({@link IpfixFileWriter});
 * the file stays open and the next flush tries again, so writing resumes when space comes
 * back (the sequence numbers then show the gap). If the templates were among what was lost,
 * they are written again first. A failing file is logged once when it starts failing and once
 * when it writes again.
 */
public final class FileSession extends ExportSession {
    private static final Logger LOG = LoggerFactory.getLogger(FileSession.class);

    private IpfixFileWriter writer;
    /** What the buffer holds, counted as sent when it reaches the file. */
    private int pendingMessages;
    private long pendingOctets;
    private long pendingFlowRecords;
    private long pendingDataRecords;
    private boolean templatesInFile;
    private boolean pendingHasTemplates;
    /** Since the first failed flush of the current failure; 0 while writing works. */
    private long failingSinceNanos;
    private long lostWhileFailing;

    private FileSession(IpfixFileWriter writer) {
        super("file:" + writer.path(), TemplateRefresh.ONCE);
        this.writer = writer;
    }

    public static FileSession create(Path path) throws IOException {
        return new FileSession(IpfixFileWriter.create(path));
    }

    @Override
    public void announce(List<IpfixMessage> announcement, long exportTimeSeconds, long nowNanos) {
        super.announce(announcement, exportTimeSeconds, nowNanos);
        pendingHasTemplates = true;
    }

    @Override
    protected boolean write(IpfixMessage stamped, int flowRecords) {
        if (writer == null) {
            notSent(flowRecords);
            return false;
        }
        int length = stamped.encodedLength();
        if (!writer.fits(length)) {
            flush();
        }
        writer.append(stamped);
        pendingMessages++;
        pendingOctets += length;
        pendingFlowRecords += flowRecords;
        pendingDataRecords += stamped.dataRecordCount();
        return true;
    }

    @Override
    public boolean isOpen() {
        return writer != null;
    }

    /** Nothing to reopen: a failing file stays open and each flush retries. */
    @Override
    public void reopenIfClosed() {
    }

    /** Writes the buffered messages to the file and counts them, as written or as lost. */
    public void flush() {
        if (writer == null || pendingMessages == 0) {
            return;
        }
        try {
            writer.flush();
            sentMessages(pendingMessages, pendingOctets, pendingFlowRecords, pendingDataRecords);
            templatesInFile |= pendingHasTemplates;
            if (failingSinceNanos != 0) {
                LOG.info("writing IPFIX file {} again after {} s; {} flow records were lost meanwhile", destination(),
                        String.format("%.1f", (System.nanoTime() - failingSinceNanos) / 1e9), lostWhileFailing);
                failingSinceNanos = 0;
            }
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            notSent((int) pendingFlowRecords);
            lostWhileFailing = failingSinceNanos == 0 ? pendingFlowRecords : lostWhileFailing + pendingFlowRecords;
            if (failingSinceNanos == 0) {
                failingSinceNanos = System.nanoTime();
                LOG.warn("writing IPFIX file {} failed: {}{}; the buffer's records are lost and counted, the file ends "
                        + "with its last whole message, retrying at each flush", destination(), e.toString(),
                        e.getSuppressed().length > 0 ? " (" + e.getSuppressed()[0].getMessage() + ")" : "");
            }
            if (!templatesInFile) {
                templatesMayBeLost();
            }
        } finally {
            pendingMessages = 0;
            pendingOctets = 0;
            pendingFlowRecords = 0;
            pendingDataRecords = 0;
            pendingHasTemplates = false;
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        if (writer != null) {
            flush();
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
}
