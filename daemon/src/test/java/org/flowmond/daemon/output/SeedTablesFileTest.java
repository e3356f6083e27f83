package org.flowmond.daemon.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed tables file ({@code -f FILE}) on a real full file system (a 64 KiB tmpfs): the rows
 * counted as written are exactly the complete rows in the file, the others are counted as lost,
 * no half row is left; with room, every row is written.
 */
@RootTest
class SeedTablesFileTest {
    private static final int ROWS = 800; // about 40 KB: more than 8 KiB free, less than the empty disk

    @Test
    void countsExactlyTheRowsThatReachedAFullDisk(@TempDir Path tmp) throws Exception {
        String tables = tables();
        try (TinyDisk disk = TinyDisk.mount(tmp.resolve("tiny"))) {
            disk.leaveFree(8 * 1024);
            Path file = disk.dir.resolve("tables.tsv");
            SeedTables.FileResult full = SeedTables.writeFile(file, tables);
            List<String> lines = TinyDisk.completeLines(file);
            long rows = lines.stream().filter(l -> !l.isEmpty() && !l.startsWith("PID\t")).count();
            assertNotNull(full.error(), "the disk was full");
            assertTrue(rows > 0 && rows < ROWS, "some rows fit: " + rows);
            assertEquals(rows, full.rowsWritten(), "written = complete rows in the file");
            assertEquals(ROWS - rows, full.rowsFailed(), "failed = every other row");
            assertEquals(0, full.partialLines());

            disk.free();
            SeedTables.FileResult roomy = SeedTables.writeFile(file, tables);
            assertNull(roomy.error());
            assertEquals(new SeedTables.FileResult(ROWS, 0, 0, null), roomy);
            assertEquals(tables, String.join("\n", TinyDisk.completeLines(file)) + "\n", "the whole tables, as printed");
        }
    }

    /** Both tables with ROWS rows in all, as the daemon prints them at shutdown. */
    private static String tables() throws Exception {
        List<SyscallFlowRecord> records = new ArrayList<>();
        long t0 = 1_700_000_000_000_000_000L;
        for (int i = 0; i < ROWS; i++) {
            SocketEventKind kind = i % 2 == 0 ? SocketEventKind.CONNECT : SocketEventKind.ACCEPT;
            records.add(new SyscallFlowRecord(new SyscallFlowKey(kind, 1000 + i, "client-" + i, 4,
                    InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"), 80, ConnectOutcome.NONE), null,
                    new SyscallStats(2, t0 + i, t0 + i + 1_500_000_000L), FlowEndReason.IDLE_TIMEOUT));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new SeedTables().write(new PrintStream(bytes, true, StandardCharsets.UTF_8), records);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
