package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.FlowTable;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An empty map read into an empty table begins no merge; an entry, or flows in the table, do. */
@UnitTest
class ScanOnDemandTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyMapIntoAnEmptyTableMergesNothingAndAnEntryOrAFlowBeginsTheMerge() throws Exception {
        Pipeline p = Pipeline.start(new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.export.collectors = []")), new FakeSources(), () -> 1_000_000_000L,
                new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), false);
        try {
            FlowTable table = p.table();
            ScanOnDemand onDemand = new ScanOnDemand(table); // one for every scan, as the flow loop keeps it
            try (ScanOnDemand idle = onDemand.begin(0)) {
                assertFalse(idle.begun(), "empty table, no entry yet: no merge");
            }
            assertEquals(0, table.activeBiflows());

            assertFalse(onDemand.begun(), "closed: no merge until the next scan begins one");
            try (ScanOnDemand first = onDemand.begin(0)) {
                first.accept(InboxTest.overflowPacket());
                assertTrue(first.begun(), "the map's first entry begins the merge");
            }
            assertEquals(1, table.activeBiflows(), "the entry was merged");

            try (ScanOnDemand withFlows = onDemand.begin(0)) {
                assertTrue(withFlows.begun(), "a table with flows gets the whole merge, even from an empty map");
            }
        } finally {
            p.close();
        }
    }
}
