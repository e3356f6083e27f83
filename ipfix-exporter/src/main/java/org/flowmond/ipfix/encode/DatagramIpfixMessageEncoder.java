package org.flowmond.ipfix.encode;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import org.flowmond.ipfix.message.IpfixMessage;

/**
 * Netty adapter: encodes an addressed {@link IpfixMessage} into one {@link DatagramPacket}
 * (an IPFIX message per UDP datagram, RFC 7011 section 10.3.3). The buffer is sized exactly from
 * the message and released if encoding fails.
 */
@ChannelHandler.Sharable
public final class DatagramIpfixMessageEncoder
        extends MessageToMessageEncoder<AddressedEnvelope<IpfixMessage, InetSocketAddress>> {
    private final IpfixMessageEncoder encoder = IpfixMessageEncoder.INSTANCE;

    @Override
    protected void encode(ChannelHandlerContext ctx, AddressedEnvelope<IpfixMessage, InetSocketAddress> envelope,
                          List<Object> out) {
        IpfixMessage message = envelope.content();
        ByteBuf buf = ctx.alloc().ioBuffer(message.encodedLength());
        boolean done = false;
        try {
            encoder.encode(message, buf);
            out.add(new DatagramPacket(buf, envelope.recipient(), envelope.sender()));
            done = true;
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }
}
