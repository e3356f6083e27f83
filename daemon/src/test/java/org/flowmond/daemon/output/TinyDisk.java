package org.flowmond.daemon.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;

/** A 64 KiB tmpfs mounted for one test, with a filler file that takes all but a little of it. */
final class TinyDisk implements AutoCloseable {
    static final int SIZE = 64 * 1024;
    final Path dir;
    private final Path filler;

    private TinyDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@link #SIZE} on {@code dir} (root only). */
    static TinyDisk mount(Path dir) throws IOException {
        Privileges.requireRoot();
        Privileges.requireTool("mount");
        Files.createDirectories(dir);
        Tools.run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", dir.toString());
        return new TinyDisk(dir);
    }

    /** Fills the disk until only {@code free} bytes (whole pages) are left. */
    void leaveFree(int free) throws IOException {
        Files.write(filler, new byte[SIZE - free]);
    }

    /** Frees the space the filler took. */
    void free() throws IOException {
        Files.delete(filler);
    }

    /** The file's complete lines (each ending with '\n'); fails if it ends with a partial one. */
    static java.util.List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError(file + " ends with a partial line: ..."
                    + text.substring(Math.max(0, text.length() - 80)));
        }
        return text.lines().toList();
    }

    @Override
    public void close() {
        Tools.runUnchecked(java.util.List.of("umount", dir.toString()));
    }
}
