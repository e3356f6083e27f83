package org.flowmond.ipfix.encode;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.flowmond.ipfix.message.IpfixMessage;

/**
 * Netty adapter for a stream (TCP, TLS): each {@link IpfixMessage} becomes its octets, back to back
 * (RFC 7011 section 10.4.3: the message header's length delimits messages in the stream). The
 * buffer is sized exactly from the message.
 */
@ChannelHandler.Sharable
public final class StreamIpfixMessageEncoder extends MessageToByteEncoder<IpfixMessage> {
    public StreamIpfixMessageEncoder() {
        super(IpfixMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, IpfixMessage message, boolean preferDirect) {
        return ctx.alloc().ioBuffer(message.encodedLength());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, IpfixMessage message, ByteBuf out) {
        IpfixMessageEncoder.INSTANCE.encode(message, out);
    }
}
