package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPFIX file on a 64 KiB tmpfs that fills up, then gets space back: a record counts as
 * written only once its bytes reached the file, every record of a failed flush counts as not
 * sent, the file never ends with part of a message, writing resumes after space is freed, and
 * ipfixDump decodes exactly the records counted as written.
 */
@RootTest
class FullDiskTest {
    private static final int BATCH = 40;

    @TempDir
    Path dir;

    @Test
    void onlyRecordsThatReachedTheFileCountAsWrittenAndWritingResumes() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("ipfixDump");
        Path mnt = dir.resolve("tiny");
        Files.createDirectory(mnt);
        Tools.run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString());
        try {
            Path filler = mnt.resolve("filler");
            Files.write(filler, new byte[40 * 1024]);
            Path file = mnt.resolve("flows.ipfix");
            Random rnd = new Random(3);
            int exported = 0;
            CollectorStatistics full;
            CollectorStatistics end;
            try (IpfixExporter exporter = IpfixExporter.start(Settings.toFile(file)
                    .withStatistics(Duration.ofDays(1)).build())) {
                while (exporter.statistics().file().orElseThrow().sendErrors() < 3) {
                    exported += exportBatch(exporter, rnd, exported);
                    assertTrue(exported < 10_000, "the 64 KiB file system filled up");
                }
                full = exporter.statistics().file().orElseThrow();
                assertEquals(exported, full.flowRecordsSent() + full.notSentFlowRecords(),
                        "every record written or counted as lost: " + full);
                assertEquals(Files.size(file), full.octetsSent(), "the file holds exactly what was counted");
                assertEquals(Files.size(file), wholeMessages(file), "no partial message at the end");

                Files.delete(filler); // the operator frees space
                for (int i = 0; i < 3; i++) {
                    exported += exportBatch(exporter, rnd, exported);
                }
                CollectorStatistics resumed = exporter.statistics().file().orElseThrow();
                assertEquals(full.flowRecordsSent() + 3 * BATCH, resumed.flowRecordsSent(), "writing resumed");
                exporter.close();
                end = exporter.statistics().file().orElseThrow();
            }
            assertEquals(exported, end.flowRecordsSent() + end.notSentFlowRecords());
            assertEquals(Files.size(file), wholeMessages(file));
            String dump = Tools.run("env", "TZ=UTC", "ipfixDump", "--in", file.toString(), "--rfc5610");
            long decoded = IpfixDumpInteropTest.with(IpfixDumpInteropTest.parse(dump), "octetDeltaCount").size();
            assertEquals(end.flowRecordsSent(), decoded, "ipfixDump finds exactly the records counted as written");
            assertTrue(end.notSentFlowRecords() > 0 && end.sendErrors() > 0, end.toString());
        } finally {
            Tools.run("umount", mnt.toString());
        }
    }

    /** BATCH IPv4 flows, flushed to the file. */
    private static int exportBatch(IpfixExporter exporter, Random rnd, int first) {
        for (int i = 0; i < BATCH; i++) {
            assertTrue(exporter.export(TestFlows.flow(rnd, first + i, false)));
        }
        assertTrue(exporter.flush(Duration.ofSeconds(10)));
        return BATCH;
    }

    /** Octets of the file covered by whole messages, walking the message headers' lengths. */
    private static long wholeMessages(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int at = 0;
        while (at + 4 <= b.length) {
            int length = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
            if (length < 16 || at + length > b.length) {
                break;
            }
            at += length;
        }
        return at;
    }
}
