package org.flowmond.ipfix.encode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.flowmond.ipfix.message.IpfixMessage;

/**
 * One {@link IpfixMessage} as one {@link DatagramPacket} (an IPFIX message per UDP datagram, RFC
 * 7011 section 10.3.3), encoded by the session that writes it rather than by a handler in the
 * channel's pipeline: a pipeline encoder costs an envelope, a list and a handler hop per datagram,
 * and its caller could not learn the datagram's length without walking every record once more.
 * The buffer is released if encoding fails.
 */
public final class DatagramIpfixMessageEncoder {
    private DatagramIpfixMessageEncoder() {
    }

    /**
     * Encodes {@code message} into a new I/O buffer of {@code alloc}, starting at
     * {@code initialCapacity} octets (it grows if the message is longer).
     */
    public static DatagramPacket encode(ByteBufAllocator alloc, int initialCapacity, IpfixMessage message,
                                        InetSocketAddress recipient) {
        ByteBuf buf = alloc.ioBuffer(initialCapacity);
        try {
            IpfixMessageEncoder.INSTANCE.encode(message, buf);
            return new DatagramPacket(buf, recipient);
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
    }
}
