package org.flowmond.ipfix.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import org.flowmond.ipfix.IpfixMessageSink;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.message.IpfixMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IpfixMessageSink} as an export session: each stamped message is encoded into one
 * reused buffer and handed over whole; what the sink refuses, or throws on, is counted as not sent.
 */
public final class SinkSession extends ExportSession {
    private static final Logger LOG = LoggerFactory.getLogger(SinkSession.class);

    private final IpfixMessageSink sink;
    private final RateLimitedLog problems = new RateLimitedLog(LOG);
    private final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.heapBuffer(IpfixMessage.MAX_LENGTH);
    private boolean closed;

    public SinkSession(IpfixMessageSink sink, TemplateRefresh refresh) {
        super("sink:" + sink.name(), refresh);
        this.sink = sink;
    }

    @Override
    protected boolean write(IpfixMessage stamped, int flowRecords) {
        if (closed) {
            notSent(flowRecords);
            return false;
        }
        buffer.clear();
        IpfixMessageEncoder.INSTANCE.encode(stamped, buffer);
        int octets = buffer.readableBytes();
        boolean taken;
        try {
            taken = sink.accept(buffer.nioBuffer(), flowRecords);
        } catch (RuntimeException e) {
            problems.warn("message sink " + destination() + " failed", e);
            taken = false;
        }
        if (!taken) {
            sendErrors.incrementAndGet();
            notSent(flowRecords);
            return false;
        }
        sent(octets, flowRecords, stamped.dataRecordCount());
        return true;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void reopenIfClosed() {
    }

    /** Asks the sink to deliver what it holds. */
    public void flush() {
        if (!closed) {
            sink.flush();
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!closed) {
            closed = true;
            try {
                sink.flush();
                sink.close();
            } catch (RuntimeException e) {
                LOG.warn("closing message sink {} failed: {}", destination(), e.toString());
            }
            buffer.release();
        }
        return CompletableFuture.completedFuture(null);
    }
}
