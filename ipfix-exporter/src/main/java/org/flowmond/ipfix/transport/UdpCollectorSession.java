package org.flowmond.ipfix.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import org.flowmond.ipfix.encode.DatagramIpfixMessageEncoder;
import org.flowmond.ipfix.message.IpfixMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector reached over UDP through its own connected datagram channel. Connecting the socket
 * is what makes the kernel report ICMP port/host unreachable back to us (as a failed send or
 * read): such errors are counted and logged, never thrown, and never affect other collectors.
 * A collector whose name does not resolve, or that cannot be connected, is counted as unreachable
 * and retried on the refresh timer; meanwhile its records are counted as not sent.
 */
public final class UdpCollectorSession extends ExportSession {
    private static final Logger LOG = LoggerFactory.getLogger(UdpCollectorSession.class);
    /** A datagram's first buffer: an Ethernet MTU's worth; larger messages grow it, and later buffers start there. */
    private static final int INITIAL_DATAGRAM_BUFFER = 1500;

    private final String host;
    private final int port;
    private final EventLoop loop;
    private final RateLimitedLog problems = new RateLimitedLog(LOG);
    private final RefusalLedger refusals = new RefusalLedger();
    /** Since the first ICMP error of the current outage; 0 while the collector accepts. */
    private long refusingSinceNanos;
    private long icmpErrorsAtOutageStart;
    private long refusedAtOutageStart;

    private volatile InetSocketAddress remote;
    private volatile Channel channel;
    private boolean opening;
    private long lastOpenAttemptNanos;
    /** Datagrams written whose outcome is not known yet (a retry counts as the same datagram). */
    private int unfinishedWrites;
    /** The close waiting for {@link #unfinishedWrites} to reach 0, or null. */
    private Runnable afterLastWrite;
    /** The largest datagram written so far, at least {@link #INITIAL_DATAGRAM_BUFFER}: the next buffer's size. */
    private int datagramBuffer = INITIAL_DATAGRAM_BUFFER;

    public UdpCollectorSession(String host, int port, InetSocketAddress resolved, EventLoop loop,
                               TemplateRefresh refresh) {
        super("udp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port, refresh);
        this.host = host;
        this.port = port;
        this.remote = resolved;
        this.loop = loop;
    }

    /** Resolves a collector's host now; null (and logged) if it does not resolve. */
    public static InetSocketAddress resolve(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            LOG.warn("collector {}:{} does not resolve (will retry): {}", host, port, e.toString());
            return null;
        }
    }

    /** Opens the channel; the future completes when the first attempt is done, whatever its outcome. */
    public CompletableFuture<Void> open() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> openOnLoop(done));
        return done;
    }

    /** Retries at most once per template refresh interval: a dead name is not looked up every tick. */
    @Override
    public void reopenIfClosed() {
        long now = System.nanoTime();
        checkAcceptingAgain(now);
        if (!isOpen() && now - lastOpenAttemptNanos >= refresh().interval().toNanos()) {
            openOnLoop(new CompletableFuture<>());
        }
    }

    /**
     * Besides the templates' refresh: while closed, the next open attempt (one refresh interval after
     * the last); while the collector refuses, the moment a message may have stayed a whole window
     * without an ICMP error (then "accepts again" is logged).
     */
    @Override
    public long timerDelayNanos(long nowNanos) {
        long next = super.timerDelayNanos(nowNanos);
        if (!isOpen() && !opening) { // an attempt under way re-arms the timer when it fails
            next = Math.min(next, refresh().interval().toNanos() - (nowNanos - lastOpenAttemptNanos));
        }
        if (refusingSinceNanos != 0) {
            next = Math.min(next, refusals.nanosUntilAcceptedMayChange(nowNanos));
        }
        return next;
    }

    private void openOnLoop(CompletableFuture<Void> done) {
        if (opening) {
            done.complete(null);
            return;
        }
        opening = true;
        lastOpenAttemptNanos = System.nanoTime();
        if (remote == null) {
            // name resolution blocks: do it off the export thread, then come back
            GlobalEventExecutor.INSTANCE.execute(() -> {
                InetSocketAddress resolved = resolve(host, port);
                loop.execute(() -> {
                    remote = resolved;
                    if (resolved == null) {
                        unreachable.incrementAndGet(); // a name that does not resolve reaches nobody
                        opening = false;
                        timerChanged();
                        done.complete(null);
                    } else {
                        connect(done);
                    }
                });
            });
        } else {
            connect(done);
        }
    }

    private void connect(CompletableFuture<Void> done) {
        new Bootstrap()
                .group(loop)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        initPipeline(ch);
                    }
                })
                .connect(remote)
                .addListener((ChannelFuture f) -> {
                    opening = false;
                    if (f.isSuccess()) {
                        channel = f.channel();
                        LOG.info("exporting IPFIX to {} ({})", destination(), remote);
                    } else {
                        countFailure(f.cause());
                        problems.warn("cannot connect to collector " + destination() + " (will retry)", f.cause());
                        timerChanged();
                    }
                    done.complete(null);
                });
    }

    private void initPipeline(Channel ch) {
        ch.pipeline().addLast(new InboundErrors());
    }

    /** Sends through {@code ch}, set up as a connected channel is (tests: a channel whose sending they control). */
    void useChannel(Channel ch) {
        initPipeline(ch);
        channel = ch;
    }

    @Override
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /**
     * Writes the datagram without flushing it: the export thread flushes once per turn
     * ({@link #flushWrites}), one syscall loop for many datagrams instead of a flush per datagram.
     * When the channel's outbound buffer is full, what it holds is flushed first; only a buffer
     * still full after that (the socket's send buffer full as well) drops the message, counted.
     * Success or failure is known when the datagram leaves, in {@link #onWritten}; a datagram the
     * kernel refused with the ICMP error of an earlier one is written again there. While the
     * collector refuses (ICMP errors, e.g. nothing listens), each datagram is flushed at once: every
     * datagram sent then draws an error that refuses the next send, and in a batch the retries
     * would meet the errors of the datagrams between them and be lost; one at a time, each refused
     * send takes one error and its retry goes out (a capture on the path still sees every message).
     */
    @Override
    protected boolean write(IpfixMessage stamped, int flowRecords) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            notSent(flowRecords);
            return false;
        }
        if (!ch.isWritable()) {
            ch.flush();
            if (!ch.isWritable()) {
                notSent(flowRecords);
                droppedMessages.incrementAndGet();
                problems.warn("send buffer to " + destination() + " is full: message dropped", null);
                return false;
            }
        }
        unfinishedWrites++;
        writeDatagram(ch, stamped, flowRecords, true);
        if (refusingSinceNanos != 0) {
            ch.flush();
        }
        return true;
    }

    /**
     * Encodes the message here rather than in a pipeline handler (see {@link DatagramIpfixMessageEncoder}),
     * into a buffer sized by the largest datagram so far: sizing it exactly would walk every record's
     * variable-length fields once more. A message that cannot be encoded fails as a send would.
     */
    private void writeDatagram(Channel ch, IpfixMessage stamped, int flowRecords, boolean mayRetry) {
        DatagramPacket datagram;
        try {
            datagram = DatagramIpfixMessageEncoder.encode(ch.alloc(), datagramBuffer, stamped, remote);
        } catch (RuntimeException e) {
            onWritten(ch, e, stamped, 0, flowRecords, false);
            return;
        }
        int octets = datagram.content().readableBytes();
        datagramBuffer = Math.max(datagramBuffer, octets);
        ch.write(datagram).addListener(done -> onWritten(ch, done.cause(), stamped, octets, flowRecords, mayRetry));
    }

    /** Counts a datagram that left or failed; retries once one refused for an earlier datagram's ICMP error. */
    private void onWritten(Channel ch, Throwable cause, IpfixMessage stamped, int octets, int flowRecords,
                           boolean mayRetry) {
        if (cause == null) {
            sent(octets, flowRecords, stamped.dataRecordCount());
            refusals.sent(System.nanoTime(), flowRecords);
            if (refusingSinceNanos != 0) {
                timerChanged(); // this message may end the refusal a window from now
            }
        } else {
            countFailure(cause);
            if (mayRetry && cause instanceof PortUnreachableException && ch.isActive()) {
                // The kernel reported the ICMP error of an earlier datagram on this send, and did not
                // send this one: the error is charged to that datagram, this one goes again.
                writeDatagram(ch, stamped, flowRecords, false);
                ch.flush();
                return;
            }
            // not sent: a second pending ICMP error, or a local failure
            notSent(flowRecords);
            if (!(cause instanceof PortUnreachableException)) {
                problems.warn("sending to collector " + destination() + " failed", cause);
            }
        }
        if (--unfinishedWrites == 0 && afterLastWrite != null) {
            Runnable close = afterLastWrite;
            afterLastWrite = null;
            loop.execute(close); // not from inside the channel's flush
        }
    }

    /** Hands the datagrams written since the last flush to the kernel. */
    @Override
    public void flushWrites() {
        Channel ch = channel;
        if (ch != null) {
            ch.flush();
        }
    }

    private void countFailure(Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            icmpError();
        }
        if (isUnreachable(cause)) {
            unreachable.incrementAndGet();
        } else {
            sendErrors.incrementAndGet();
        }
    }

    /**
     * The kernel reported an ICMP error for this collector: port unreachable (ECONNREFUSED on the
     * connected socket, once per error, on the next send or read), or host/net unreachable seen
     * on the read side. Counted, and charged to the message it refused ({@link RefusalLedger}).
     * The first of an outage is logged.
     */
    private void icmpError() {
        long now = System.nanoTime();
        icmpErrors.incrementAndGet();
        templatesMayBeLost();
        int records = refusals.charge(now);
        refusedFlowRecords.addAndGet(records);
        notSent(records);
        if (refusingSinceNanos == 0) {
            refusingSinceNanos = now;
            icmpErrorsAtOutageStart = icmpErrors.get() - 1;
            refusedAtOutageStart = refusedFlowRecords.get() - records;
            LOG.warn("collector {} refuses IPFIX (ICMP unreachable): counting ICMP errors and the records they "
                    + "refuse until it accepts again", destination());
            timerChanged(); // its end is found on the timer
        }
    }

    /** After an outage: a message older than the charge window drew no error, so the collector is back. */
    private void checkAcceptingAgain(long now) {
        if (refusingSinceNanos != 0 && refusals.acceptedSinceLastError(now)) {
            LOG.info("collector {} accepts IPFIX again after {} s: {} ICMP errors, {} flow records refused meanwhile",
                    destination(), String.format("%.1f", (now - refusingSinceNanos) / 1e9),
                    icmpErrors.get() - icmpErrorsAtOutageStart, refusedFlowRecords.get() - refusedAtOutageStart);
            refusingSinceNanos = 0;
        }
    }

    static boolean isUnreachable(Throwable cause) {
        if (cause instanceof PortUnreachableException || cause instanceof NoRouteToHostException) {
            return true;
        }
        return cause instanceof SocketException && cause.getMessage() != null
                && cause.getMessage().toLowerCase().contains("unreachable");
    }

    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            Channel ch = channel;
            if (ch == null) {
                closed.complete(null);
                return;
            }
            Runnable doClose = () -> ch.close().addListener(f -> closed.complete(null));
            if (unfinishedWrites == 0) {
                doClose.run();
            } else {
                afterLastWrite = doClose;
                ch.flush(); // datagrams written but not flushed would fail at close
            }
        });
        return closed;
    }

    /**
     * The read side of the connected socket: a collector sends nothing, but the kernel reports an
     * ICMP error here when the read comes first. Counted, never closes the channel.
     */
    private final class InboundErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (isUnreachable(cause) && !(cause instanceof PortUnreachableException)) {
                // on the read side an unreachable error can only have come back as ICMP (host, net unreachable)
                icmpError();
            }
            countFailure(cause);
            if (!isUnreachable(cause)) {
                problems.warn("collector " + destination() + " reported an error", cause);
            }
        }
    }
}
