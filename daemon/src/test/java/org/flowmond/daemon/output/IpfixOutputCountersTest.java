package org.flowmond.daemon.output;

import org.flowmond.daemon.stats.StatisticKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The exporter's losses in the daemon's statistics map (logged, sent as STATUS=, and what a
 * metrics endpoint reads): a UDP collector whose port is closed shows its ICMP errors and every
 * record as not sent; a TCP collector shows up per destination.
 */
@UnitTest
class IpfixOutputCountersTest {

    @Test
    void aClosedUdpPortAndATcpCollectorShowInTheStatisticsMap() throws Exception {
        int closedPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                    "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + closedPort + " },"
                            + " { host = \"127.0.0.1\", port = " + tcp.getLocalPort() + ", transport = tcp }]\n"));
            IpfixOutput out = IpfixOutput.open(s);
            int n = 0;
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++, n++) {
                    out.biflow(IpfixOutputCollectorTest.record(1024 + n, 2, 100, 1, 60, FlowEndReason.IDLE_TIMEOUT));
                }
                out.flush(Duration.ofSeconds(5));
                Thread.sleep(50);
            }
            Thread.sleep(300);
            Map<String, Long> c = StatisticKeys.of(out.counters());
            String udp = "collector[udp:127.0.0.1:" + closedPort + "].";
            String tcpKey = "collector[tcp:127.0.0.1:" + tcp.getLocalPort() + "].";
            assertTrue(c.get(udp + "icmp-errors") > 0, c.toString());
            assertEquals(c.get(udp + "icmp-errors"), c.get("ipfix.icmp-errors"));
            assertEquals((long) n, c.get(udp + "not-sent-flow-records"), "every record to the closed port: " + c);
            assertEquals(1L, c.get(tcpKey + "connected"), c.toString());
            assertEquals((long) n, c.get(tcpKey + "flow-records-sent"), "acknowledged by the TCP collector: " + c);
            assertEquals((long) n, c.get("ipfix.records-not-sent"), c.toString());
            out.close();
        }
    }
}
