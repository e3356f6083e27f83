package org.flowmond.daemon.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON output on a real full file system (a 64 KiB tmpfs): records-written equals the
 * complete lines in the file, write-failures equals every other record, the file never ends
 * with half a line, and writing resumes once space is freed.
 */
@RootTest
class JsonLinesSinkTest {
    private static final int FIRST = 600;
    private static final int BATCH = 50;
    private static final int AFTER = 40; // about 32 KB: fits once the filler is gone

    @Test
    void countsExactlyWhatReachedAFullDiskAndResumesWhenItFreesUp(@TempDir Path tmp) throws Exception {
        try (TinyDisk disk = TinyDisk.mount(tmp.resolve("tiny"))) {
            disk.leaveFree(16 * 1024);
            Path file = disk.dir.resolve("flows.json");
            try (JsonLinesSink sink = new JsonLinesSink(file, new IdentitySettings("test-host", "0123456789abcdef0123456789abcdef"))) {
                send(sink, 0, FIRST);
                List<String> lines = TinyDisk.completeLines(file);
                assertTrue(lines.size() > 0 && lines.size() < FIRST, "some fit, most did not: " + lines.size());
                assertEquals(lines.size(), sink.written(), "written = complete lines in the file");
                assertEquals(FIRST - lines.size(), sink.failed(), "failed = every other record");
                assertEquals(0, sink.partialLines());
                lines.forEach(l -> assertTrue(l.startsWith("{") && l.endsWith("}"), l));

                disk.free();
                send(sink, FIRST, AFTER);
                List<String> after = TinyDisk.completeLines(file);
                assertEquals(lines.size() + AFTER, after.size(), "writing resumed");
                assertEquals(after.size(), sink.written());
                assertEquals(FIRST - lines.size(), sink.failed(), "no new failure");
                assertTrue(after.get(after.size() - 1).contains("\"L4_SRC_PORT\":" + (40000 + FIRST + AFTER - 1)),
                        after.get(after.size() - 1));
            }
        }
    }

    @Test
    void aFileEndingWithAPartialLineGetsANewLineBeforeTheFirstRecord(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("flows.json");
        Files.writeString(file, "{\"complete\":1}\n{\"cut");
        try (JsonLinesSink sink = new JsonLinesSink(file, new IdentitySettings("test-host", "0123456789abcdef0123456789abcdef"))) {
            send(sink, 0, 2);
        }
        List<String> lines = TinyDisk.completeLines(file);
        assertEquals(4, lines.size(), lines.toString());
        assertEquals("{\"cut", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"") && lines.get(3).startsWith("{\""), lines.toString());
    }

    /** Records {@code from} .. {@code from + n - 1}, an expiry pass (endOfBatch) every {@link #BATCH}. */
    private static void send(JsonLinesSink sink, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            sink.biflow(IpfixOutputCollectorTest.record(40000 + i, 10, 1000, 8, 6000, FlowEndReason.IDLE_TIMEOUT));
            if ((i - from) % BATCH == BATCH - 1) {
                sink.endOfBatch();
            }
        }
        sink.endOfBatch();
    }
}
