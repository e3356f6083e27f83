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
 * serialized stream of IPFIX messages). Messages wait in a buffer of up to 256 KiB until
 * {@link #flush()}; the file only ever ends with a whole message: a flush that fails (a full
 * disk) cuts the file back to where the last good flush left it, and the buffer's messages are
 * gone. The next flush writes from there again. Not thread-safe.
 */
public final class IpfixFileWriter implements AutoCloseable {
    static final int BUFFER_SIZE = 256 * 1024;

    private final Path path;
    private final FileChannel file;
    private final ByteBuf buffer = Unpooled.buffer(BUFFER_SIZE);
    /** File length through the last whole message flushed. */
    private long committed;

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

    /** Whether a message of {@code length} octets fits the buffer now (else flush first). */
    public boolean fits(int length) {
        return buffer.writableBytes() >= length;
    }

    /** Adds one message to the buffer; returns its length in octets. Call {@link #fits} first. */
    public int append(IpfixMessage message) {
        int length = message.encodedLength();
        IpfixMessageEncoder.INSTANCE.encode(message, buffer);
        return length;
    }

    /** Octets buffered, not yet in the file. */
    public int buffered() {
        return buffer.readableBytes();
    }

    /** The file's length through its last whole message. */
    public long committedLength() {
        return committed;
    }

    /**
     * Writes the buffer to the file. On failure the buffer is dropped and the file cut back to its
     * last whole message; if even that fails, the exception says the file ends with a partial one.
     */
    public void flush() throws IOException {
        try {
            while (buffer.isReadable()) {
                buffer.readerIndex(buffer.readerIndex() + file.write(buffer.nioBuffer()));
            }
            committed = file.position();
        } catch (IOException e) {
            cutBack(e);
            throw e;
        } finally {
            buffer.clear();
        }
    }

    private void cutBack(IOException cause) {
        try {
            file.truncate(committed);
            file.position(committed);
        } catch (IOException e) {
            cause.addSuppressed(new IOException("the file could not be cut back to its last whole message at "
                    + committed + " octets: it ends with a partial message", e));
        }
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
