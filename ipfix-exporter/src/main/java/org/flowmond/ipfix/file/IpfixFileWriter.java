package org.flowmond.ipfix.file;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.message.IpfixMessage;

/**
 * Writes IPFIX messages to a file, back to back (RFC 5655 section 6: an IPFIX file is a
 * serialized stream of IPFIX messages). Buffers up to 256 KiB between writes. Not thread-safe.
 */
public final class IpfixFileWriter implements AutoCloseable {
    private static final int BUFFER_SIZE = 256 * 1024;

    private final Path path;
    private final FileChannel file;
    private final ByteBuf buffer = Unpooled.buffer(BUFFER_SIZE);

    private IpfixFileWriter(Path path, FileChannel file) {
        this.path = path;
        this.file = file;
    }

    /** Creates or truncates {@code path}. */
    public static IpfixFileWriter create(Path path) throws IOException {
        return new IpfixFileWriter(path, FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    public Path path() {
        return path;
    }

    /** Appends one message; returns its length in octets. */
    public int write(IpfixMessage message) throws IOException {
        int length = message.encodedLength();
        if (buffer.writableBytes() < length) {
            flush();
        }
        IpfixMessageEncoder.INSTANCE.encode(message, buffer);
        return length;
    }

    public void flush() throws IOException {
        while (buffer.isReadable()) {
            buffer.readerIndex(buffer.readerIndex() + file.write(buffer.nioBuffer()));
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
            file.force(false);
        } finally {
            file.close();
            buffer.release();
        }
    }
}
