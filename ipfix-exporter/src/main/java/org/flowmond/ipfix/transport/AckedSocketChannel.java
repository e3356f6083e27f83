package org.flowmond.ipfix.transport;

import io.netty.channel.socket.nio.NioSocketChannel;
import jnr.ffi.Pointer;

/**
 * A NIO TCP channel that can tell how many octets the peer's TCP acknowledged
 * ({@link TcpInfo}), also in the instant before the socket is closed, when the kernel still knows.
 * Used on its event loop only.
 */
final class AckedSocketChannel extends NioSocketChannel {
    private final Pointer info = TcpInfo.newBuffer();
    private int fd = -1;
    /** The last value read, kept when the socket closes; -1 if never read. */
    private long lastAcked = -1;

    /** Octets acknowledged so far (SYN included), or the last value before the close; -1 if unknown. */
    long bytesAcked() {
        if (isOpen()) {
            if (fd < 0) {
                fd = TcpInfo.fd(javaChannel());
            }
            long acked = TcpInfo.bytesAcked(fd, info);
            if (acked >= 0) {
                lastAcked = acked;
            }
        }
        return lastAcked;
    }

    @Override
    protected void doClose() throws Exception {
        bytesAcked();
        fd = -1;
        super.doClose();
    }
}
