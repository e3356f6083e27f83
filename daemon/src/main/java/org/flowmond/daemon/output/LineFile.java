package org.flowmond.daemon.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A text file written in whole lines, with exact accounting: a record counts as written only once
 * its line's bytes have reached the file ({@code write(2)} returned), never while they sit in a
 * buffer. When a flush fails (a full disk), the records whose complete line made it count as
 * written, every other record of the buffer as failed, and the file is cut back to its last
 * complete line, so it never ends with half a record; if even the cut fails, the partial line is
 * counted ({@link #partialLines()}) and the next flush starts on a new line. The buffer is emptied
 * either way, so writing resumes with the next records once there is room again.
 *
 * <p>Lines may be records (counted) or not (headers, blank lines). Thread-safe; the counters can
 * be read from any thread.
 */
final class LineFile implements Closeable {
    /** Bytes buffered before a line triggers a flush by itself. */
    static final int FLUSH_BYTES = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private byte[] buffer = new byte[FLUSH_BYTES + 1024];
    private int length;
    /** End offset in the buffer of each record line (just past its '\n'), in order. */
    private int[] recordEnds = new int[256];
    private int records;
    private boolean startWithNewline;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong partialLines = new AtomicLong();

    private LineFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens {@code path} for appending, creating it if needed. A file that ends without a newline
     * (a line cut by an earlier crash) is reported by {@link #endsWithPartialLine()}, and the first
     * flush starts on a new line.
     */
    static LineFile append(Path path) throws IOException {
        LineFile f = new LineFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        f.startWithNewline = f.endsWithPartialLine();
        return f;
    }

    /** Creates {@code path}, or empties it. */
    static LineFile replace(Path path) throws IOException {
        return new LineFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Whether the file's last byte is not a newline. */
    boolean endsWithPartialLine() throws IOException {
        try (FileChannel read = FileChannel.open(path, StandardOpenOption.READ)) { // an APPEND channel cannot read
            long size = read.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            read.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /**
     * Buffers {@code text} and a newline; flushes when the buffer holds {@link #FLUSH_BYTES}.
     *
     * @return the flush's error if this line triggered one that failed, else null
     */
    synchronized IOException line(String text, boolean record) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensureRoom(bytes.length + 1);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
        buffer[length++] = '\n';
        if (record) {
            if (records == recordEnds.length) {
                recordEnds = Arrays.copyOf(recordEnds, records * 2);
            }
            recordEnds[records++] = length;
        }
        return length >= FLUSH_BYTES ? flush() : null;
    }

    /**
     * Writes the buffer to the file and empties it.
     *
     * @return null if every byte reached the file, else the error (the records are already counted)
     */
    synchronized IOException flush() {
        if (length == 0) {
            return null;
        }
        long start = -1;
        int done = 0;
        IOException error = null;
        try {
            if (startWithNewline) {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                startWithNewline = false;
            }
            start = channel.size(); // where this flush's bytes begin (APPEND: the end)
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } finally {
                done = bytes.position();
            }
        } catch (IOException e) {
            error = e;
        }
        if (error == null) {
            written.addAndGet(records);
        } else {
            settleFailure(start, done);
        }
        length = 0;
        records = 0;
        return error;
    }

    /** Counts a failed flush's records and cuts a partial last line off the file. */
    private void settleFailure(long start, int done) {
        int complete = 0; // records whose line reached the file whole
        while (complete < records && recordEnds[complete] <= done) {
            complete++;
        }
        written.addAndGet(complete);
        failed.addAndGet(records - complete);
        int keep = done;
        while (keep > 0 && buffer[keep - 1] != '\n') {
            keep--;
        }
        if (keep == done) {
            return; // nothing, or only whole lines, reached the file
        }
        try {
            channel.truncate(start + keep);
        } catch (IOException | RuntimeException e) {
            partialLines.incrementAndGet();
            startWithNewline = true;
        }
    }

    private void ensureRoom(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    Path path() {
        return path;
    }

    /** Records whose line reached the file. */
    long written() {
        return written.get();
    }

    /** Records lost: their flush failed before their line reached the file. */
    long failed() {
        return failed.get();
    }

    /** Partial lines left in the file because cutting them off failed too (each followed by a newline). */
    long partialLines() {
        return partialLines.get();
    }

    /** Records buffered, not yet flushed. */
    synchronized int pending() {
        return records;
    }

    /** Flushes, then closes the file; returns the flush's error, if any. */
    @Override
    public synchronized void close() throws IOException {
        IOException error = flush();
        channel.close();
        if (error != null) {
            throw error;
        }
    }
}
