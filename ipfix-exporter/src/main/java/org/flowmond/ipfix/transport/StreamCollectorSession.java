package org.flowmond.ipfix.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.flowmond.ipfix.TlsFiles;
import org.flowmond.ipfix.encode.StreamIpfixMessageEncoder;
import org.flowmond.ipfix.message.IpfixMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector reached over TCP, or TLS over TCP (RFC 7011 sections 10.4 and 11): one connection,
 * messages back to back, up to 65535 octets each.
 *
 * <p>Every data message waits in a bounded buffer until the collector's TCP has acknowledged all
 * of its octets ({@link TcpInfo}); a connection that ends takes nothing with it: what was not
 * acknowledged is sent again, in order, on the next connection. A message that finds the buffer
 * full is dropped and counted, never lost silently. Each connection is a new transport session:
 * sequence numbers start at 0 and the templates go first; they are not refreshed on a timer
 * (that is the UDP rule, section 8.4: over a stream the collector keeps them for the session).
 * Reconnects back off ({@link Backoff}); the connection going down and coming back is logged
 * once each, however long it stays down. Statistics records are sent only while connected.
 */
public final class StreamCollectorSession extends ExportSession {
    private static final Logger LOG = LoggerFactory.getLogger(StreamCollectorSession.class);
    private static final StreamIpfixMessageEncoder ENCODER = new StreamIpfixMessageEncoder();
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** A connection that lasted this long resets the backoff when it ends. */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How often acknowledgements are read while messages wait for them. */
    private static final long ACK_CHECK_MILLIS = 2;
    /** How long close() waits for the collector to acknowledge what was sent. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String host;
    private final int port;
    private final EventLoop loop;
    /** The PEM files, read again for each connection: files renewed in place are used from the next one. */
    private final Optional<TlsFiles> tls;
    private final int capacity;
    private final Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
    private final RateLimitedLog bufferFull = new RateLimitedLog(LOG);

    /** Data messages not known to be delivered, oldest first; the first {@code written} went out on this connection. */
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private int written;
    private volatile int buffered;

    private List<IpfixMessage> announcement = List.of();
    private AckedSocketChannel channel;
    private WireCounter wire;
    /** Acknowledged octets when the connection came up (the SYN): the stream's own octets are counted from there. */
    private long ackBase;
    /** Templates sent on this connection: data may flow. */
    private volatile boolean ready;
    /** The connection (and TLS handshake) is up; templates go as soon as the exporter has given them. */
    private boolean connectedHandshakeDone;
    private boolean connecting;
    private boolean everUp;
    private boolean down;
    private long upSinceNanos;
    private long downSinceNanos;
    private String lastProblem = "";
    private ScheduledFuture<?> retry;
    private boolean closing;
    private boolean ackCheckScheduled;

    public StreamCollectorSession(String host, int port, EventLoop loop, Optional<TlsFiles> tls, int capacity) {
        super((tls.isPresent() ? "tls:" : "tcp:") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port,
                TemplateRefresh.ONCE);
        this.host = host;
        this.port = port;
        this.loop = loop;
        this.tls = tls;
        this.capacity = capacity;
    }

    /** One data message and what the buffer knows of it. */
    private static final class Pending {
        final IpfixMessage message;
        final int flowRecords;
        /** Stream octets (this connection) up to the message's end; valid while written. */
        long wireEnd;
        int octets;

        Pending(IpfixMessage message, int flowRecords) {
            this.message = message;
            this.flowRecords = flowRecords;
        }
    }

    /** Connects; the future completes when the first attempt is done, whatever its outcome. */
    public CompletableFuture<Void> open() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> connect(done));
        return done;
    }

    /** Over a stream the templates go once per connection, when it comes up: never due on a timer. */
    @Override
    public boolean announcementDue(long nowNanos) {
        return false;
    }

    /** Nothing on the export thread's timer: reconnects and acknowledgement checks run on their own schedule. */
    @Override
    public long timerDelayNanos(long nowNanos) {
        return Long.MAX_VALUE;
    }

    /** Keeps the templates for every connection; sends them now if this connection has not had them. */
    @Override
    public void announce(List<IpfixMessage> messages, long exportTimeSeconds, long nowNanos) {
        announcement = List.copyOf(messages);
        if (channel != null && channel.isActive() && connectedHandshakeDone && !ready) {
            startSession(channel);
        }
    }

    @Override
    public void sendData(IpfixMessage message, int flowRecords) {
        retireAcknowledged();
        if (closing) {
            notSent(flowRecords);
            return;
        }
        if (buffer.size() >= capacity) {
            droppedMessages.incrementAndGet();
            notSent(flowRecords);
            bufferFull.warn("buffer for collector " + destination() + " full (" + capacity
                    + " messages not yet acknowledged): message dropped", null);
            return;
        }
        Pending p = new Pending(message, flowRecords);
        buffer.addLast(p);
        buffered = buffer.size();
        if (ready) {
            writeData(p);
        }
    }

    @Override
    public void sendOptions(IpfixMessage message) {
        if (ready) {
            writeCounted(stampNext(message));
        }
    }

    /** Not used: this session writes through {@link #writeData} and {@link #writeCounted}. */
    @Override
    protected boolean write(IpfixMessage stamped, int flowRecords) {
        throw new UnsupportedOperationException();
    }

    /** Open while not closed: messages are buffered while the connection is down. */
    @Override
    public boolean isOpen() {
        return !closing;
    }

    /** Whether the connection is up (templates sent). */
    public boolean isConnected() {
        return ready;
    }

    @Override
    public int bufferedMessages() {
        return buffered;
    }

    /** Called on the timer: retire what the collector acknowledged meanwhile. Reconnects run on their own schedule. */
    @Override
    public void reopenIfClosed() {
        retireAcknowledged();
    }

    private void connect(CompletableFuture<Void> firstAttempt) {
        retry = null;
        if (closing || connecting || channel != null) {
            firstAttempt.complete(null);
            return;
        }
        Optional<SslContext> context;
        try {
            context = tls.map(TlsContexts::client);
        } catch (IllegalArgumentException e) {
            wentDown(new SSLException(e.getMessage(), e)); // e.g. a certificate being replaced: retried
            firstAttempt.complete(null);
            return;
        }
        connecting = true;
        // a refused TCP connect also fails the TLS handshake (its handler goes with the channel): that
        // failure is the connect's, counted once there; only a handshake on a connection that came up counts
        boolean[] tcpUp = {false};
        new Bootstrap()
                .group(loop)
                .channelFactory(AckedSocketChannel::new)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        WireCounter counter = new WireCounter();
                        ch.pipeline().addLast(counter);
                        context.ifPresent(ctx -> {
                            SslHandler ssl = ctx.newHandler(ch.alloc(), host, port);
                            ssl.handshakeFuture().addListener(h -> {
                                if (!h.isSuccess() && tcpUp[0]) {
                                    unreachable.incrementAndGet(); // a refused handshake is a failed connect
                                    lastProblem = "TLS handshake failed: " + h.cause();
                                }
                            });
                            ch.pipeline().addLast(ssl);
                        });
                        ch.pipeline().addLast(ENCODER, new Inbound());
                    }
                })
                .connect(new InetSocketAddress(host, port))
                .addListener((ChannelFuture f) -> {
                    connecting = false;
                    if (!f.isSuccess()) {
                        wentDown(f.cause());
                        firstAttempt.complete(null);
                        return;
                    }
                    tcpUp[0] = true;
                    AckedSocketChannel ch = (AckedSocketChannel) f.channel();
                    channel = ch;
                    wire = ch.pipeline().get(WireCounter.class);
                    ackBase = ch.bytesAcked();
                    ch.closeFuture().addListener(c -> connectionClosed(ch));
                    SslHandler ssl = ch.pipeline().get(SslHandler.class);
                    if (ssl == null) {
                        cameUp(ch);
                        firstAttempt.complete(null);
                    } else {
                        ssl.handshakeFuture().addListener((Future<Channel> h) -> {
                            if (h.isSuccess()) {
                                cameUp(ch);
                            } else {
                                ch.close();
                            }
                            firstAttempt.complete(null);
                        });
                    }
                });
    }

    /** The connection is up: a new transport session, templates first, then everything not yet acknowledged. */
    private void cameUp(AckedSocketChannel ch) {
        if (channel != ch || !ch.isActive()) {
            return;
        }
        upSinceNanos = System.nanoTime();
        if (everUp) {
            reconnects.incrementAndGet();
        }
        if (down || !everUp) {
            LOG.info("exporting IPFIX to {} ({}){}", destination(), ch.remoteAddress(), down
                    ? ": connected again after " + seconds(upSinceNanos - downSinceNanos) + ", re-sending "
                    + buffer.size() + " buffered message(s)" : "");
        }
        everUp = true;
        down = false;
        connectedHandshakeDone = true;
        if (!announcement.isEmpty()) {
            startSession(ch);
        }
    }

    /** Templates first, then every buffered message: the collector can decode from the first octet. */
    private void startSession(AckedSocketChannel ch) {
        resetSequences();
        ready = true;
        long exportTime = (System.currentTimeMillis() / 1000) & 0xFFFF_FFFFL;
        for (IpfixMessage m : announcement) {
            writeCounted(stampNext(m.withExportTime(exportTime)));
        }
        templateRefreshes.incrementAndGet();
        written = 0;
        for (Pending p : buffer) {
            writeData(p);
        }
    }

    private void writeData(Pending p) {
        IpfixMessage stamped = stampNext(p.message);
        p.octets = stamped.encodedLength();
        channel.writeAndFlush(stamped);
        // on the event loop the write went through the pipeline (and TLS) just now
        p.wireEnd = wire.octets;
        written++;
        scheduleAckCheck();
    }

    /** While messages wait for acknowledgement, look again every 2 ms: the buffer empties as the collector keeps up. */
    private void scheduleAckCheck() {
        if (!ackCheckScheduled) {
            ackCheckScheduled = true;
            loop.schedule(() -> {
                ackCheckScheduled = false;
                retireAcknowledged();
                if (written > 0 && channel != null) {
                    scheduleAckCheck();
                }
            }, ACK_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Templates and statistics: counted when the kernel took them, not kept for a retry. */
    private void writeCounted(IpfixMessage stamped) {
        int octets = stamped.encodedLength();
        int records = stamped.dataRecordCount();
        channel.writeAndFlush(stamped).addListener(f -> {
            if (f.isSuccess()) {
                sent(octets, 0, records);
            }
        });
    }

    /** Drops from the buffer every message the collector has acknowledged, counting it as sent. */
    private void retireAcknowledged() {
        if (written == 0 || channel == null) {
            return;
        }
        long delivered = deliveredOctets();
        while (written > 0 && buffer.peekFirst().wireEnd <= delivered) {
            Pending p = buffer.removeFirst();
            written--;
            sent(p.octets, p.flowRecords, p.message.dataRecordCount());
        }
        buffered = buffer.size();
    }

    private long deliveredOctets() {
        if (TcpInfo.available()) {
            long acked = channel.bytesAcked();
            return acked < 0 ? 0 : acked - ackBase;
        }
        return wire.completed;
    }

    private void connectionClosed(AckedSocketChannel ch) {
        if (channel != ch) {
            return;
        }
        retireAcknowledged();
        channel = null;
        ready = false;
        connectedHandshakeDone = false;
        written = 0; // the rest goes again on the next connection
        if (upSinceNanos != 0 && System.nanoTime() - upSinceNanos >= STABLE_NANOS) {
            backoff.reset();
        }
        wentDown(null);
    }

    private void wentDown(Throwable cause) {
        if (closing) {
            return;
        }
        if (cause != null) {
            lastProblem = cause.toString();
            unreachable.incrementAndGet();
        }
        if (!down) {
            down = true;
            downSinceNanos = System.nanoTime();
            LOG.warn("collector {} is down{}: keeping up to {} messages ({} now), reconnecting with backoff up to {}",
                    destination(), lastProblem.isEmpty() ? "" : " (" + lastProblem + ")", capacity, buffer.size(),
                    MAX_RETRY);
        }
        lastProblem = "";
        long delay = backoff.nextDelayNanos();
        retry = loop.schedule(() -> connect(new CompletableFuture<>()), delay, TimeUnit.NANOSECONDS);
    }

    /**
     * Waits (up to 5 s) for the collector to acknowledge what was sent, then closes. Messages still
     * in the buffer then are counted as not sent.
     */
    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            closing = true;
            if (retry != null) {
                retry.cancel(false);
            }
            awaitAcknowledged(System.nanoTime() + CLOSE_WAIT_NANOS, closed);
        });
        return closed;
    }

    private void awaitAcknowledged(long deadline, CompletableFuture<Void> closed) {
        retireAcknowledged();
        if (ready && !buffer.isEmpty() && System.nanoTime() - deadline < 0) {
            loop.schedule(() -> awaitAcknowledged(deadline, closed), 5, TimeUnit.MILLISECONDS);
            return;
        }
        for (Iterator<Pending> it = buffer.iterator(); it.hasNext(); ) {
            notSent(it.next().flowRecords);
            it.remove();
        }
        buffered = 0;
        ready = false;
        Channel ch = channel;
        if (ch == null) {
            closed.complete(null);
        } else {
            ch.close().addListener(f -> closed.complete(null));
        }
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    /** Counts the octets that go to the socket, below TLS: what the collector's TCP acknowledges. */
    private static final class WireCounter extends ChannelOutboundHandlerAdapter {
        /** Octets given to the socket's outbound buffer. */
        long octets;
        /** Octets the kernel took (the delivery measure when acknowledgements are not readable). */
        long completed;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            int n = msg instanceof ByteBuf b ? b.readableBytes()
                    : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
            octets += n;
            ctx.write(msg, promise.unvoid()).addListener(f -> {
                if (f.isSuccess()) {
                    completed += n;
                }
            });
        }
    }

    /** A collector sends nothing; an error ends the connection (and is named in the "down" line). */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastProblem = cause.toString();
            if (!(cause instanceof java.io.IOException)) {
                sendErrors.incrementAndGet();
            }
            ctx.close();
        }
    }
}
