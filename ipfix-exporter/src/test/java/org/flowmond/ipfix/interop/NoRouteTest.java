package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.testing.UdpReceiver;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.junit.jupiter.api.Test;

/**
 * A collector the kernel has no route to (here: an "unreachable" host route the test adds for
 * one RFC 2544 benchmark address, and removes) is counted and retried; the others get everything.
 */
@RootTest
class NoRouteTest {
    private static final String NOWHERE = "198.18.255.254";

    @Test
    void aCollectorWithoutARouteIsCountedAndDoesNotStopTheOthers() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        Tools.run("ip", "route", "replace", "unreachable", NOWHERE + "/32"); // replace: survives a leftover
        try (UdpReceiver good = new UdpReceiver("127.0.0.1");
             IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector(NOWHERE, 4739),
                     new Collector("127.0.0.1", good.port())).withRefresh(Duration.ofMillis(200), 0).build())) {
            TestFlows.flows(50, 9, 4).forEach(exporter::export);
            assertTrue(exporter.flush(Duration.ofSeconds(10)));
            CollectorStatistics dead = exporter.statistics().collectors().get(0);
            CollectorStatistics alive = exporter.statistics().collectors().get(1);
            assertFalse(dead.connected(), "connect() fails: EHOSTUNREACH");
            assertTrue(dead.unreachable() >= 1, dead.toString());
            assertEquals(50, dead.notSentFlowRecords());
            assertEquals(50, alive.flowRecordsSent());
            good.awaitCount((int) alive.messagesSent());
        } finally {
            Tools.run("ip", "route", "del", "unreachable", NOWHERE + "/32");
        }
    }
}
