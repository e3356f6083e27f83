package org.flowmond.daemon.output;

import org.flowmond.daemon.stats.StatisticKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * A whole table expiring at once: many more biflows than the exporter's queue holds, handed over
 * as fast as the flow thread can. They wait for room instead of being dropped (the queue used to
 * overflow at the first burst of an idle timeout of a full table).
 */
@UnitTest
class IpfixOutputQueueTest {

    @Test
    void aBurstLargerThanTheSendQueueWaitsForRoomAndIsEncodedCompletely() throws Exception {
        int n = 20_000;
        // a bound socket as the collector, so that no ICMP port-unreachable comes back
        try (DatagramSocket sink = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                    "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + sink.getLocalPort() + " }]\n"
                            + "flowmon.export.send-queue-limit = 16\n"));
            IpfixOutput out = IpfixOutput.open(s);
            for (int i = 0; i < n; i++) {
                out.biflow(IpfixOutputCollectorTest.record(1024 + i % 60_000, 2, 100, 1, 60, FlowEndReason.IDLE_TIMEOUT));
            }
            out.close(); // sends what is queued; the counters stay readable
            Map<String, Long> c = StatisticKeys.of(out.counters());
            assertEquals(0L, c.get("dropped.send-queue"), c.toString());
            assertEquals((long) n, c.get("ipfix.records-queued"), c.toString());
            assertEquals((long) n, c.get("ipfix.records-encoded"), c.toString());
            assertEquals(0L, c.get("ipfix.records-not-sent"), c.toString());
            assertEquals(0L, c.get("ipfix.send-errors"), c.toString());
        }
    }
}
