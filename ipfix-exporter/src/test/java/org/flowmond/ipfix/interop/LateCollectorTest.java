package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.testing.UdpReceiver;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector that starts after the exporter has sent its templates decodes everything from the
 * next template refresh on, which comes within one refresh interval.
 */
@RootTest
class LateCollectorTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final Duration REFRESH = Duration.ofSeconds(2);
    /** The refresh timer ticks every quarter interval; allow that plus scheduling noise on a busy machine. */
    private static final double ALLOWED_SECONDS = 2.0 + 0.5 + 0.5;

    @TempDir
    Path dir;

    @Test
    void aLateCollectorDecodesWithinOneTemplateRefresh() throws Exception {
        Privileges.requireTool("tshark");
        Privileges.requireRoot();
        try (UdpReceiver sink = new UdpReceiver("127.0.0.1");
             IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", sink.port()))
                     .withRefresh(REFRESH, 0).build())) {
            AtomicBoolean feeding = new AtomicBoolean(true);
            Thread feeder = new Thread(() -> feed(exporter, feeding), "feeder");
            feeder.start();
            Thread.sleep(700); // the exporter has announced its templates to nobody listening yet
            TsharkCapture capture = TsharkCapture.loopback("udp", sink.port(), dir);
            try (capture) {
                Thread.sleep(2 * REFRESH.toMillis() + 500);
                feeding.set(false);
                feeder.join();
                exporter.flush(Duration.ofSeconds(10));
                Thread.sleep(200);
                capture.stop();
            }

            List<String[]> packets = capture.packets();
            List<Integer> templateFrames = new ArrayList<>();
            for (String[] p : packets) {
                if (p.length > 4 && !p[4].isBlank()) {
                    templateFrames.add(Integer.parseInt(p[0]));
                }
            }
            assertTrue(templateFrames.size() >= 2, "templates re-sent during the capture: " + templateFrames);
            int firstTemplate = templateFrames.get(0);
            List<Integer> undecodable = capture.frames("cflow.no_template_found");
            assertFalse(undecodable.isEmpty(), "the collector did start late (data before any template)");
            assertTrue(undecodable.stream().allMatch(f -> f < firstTemplate),
                    "after the first template everything decodes: " + undecodable + " vs " + firstTemplate);
            // Wireshark files "no template found" under Malformed: only frames before the templates may have it
            List<Integer> flagged = capture.frames("cflow.unexpected_sequence_number || _ws.malformed");
            assertTrue(flagged.stream().allMatch(f -> f < firstTemplate),
                    "nothing flagged once the templates are known: " + flagged + " vs " + firstTemplate);

            double firstSeen = Double.parseDouble(packets.get(0)[1]); // the first IPFIX datagram captured
            double learned = time(packets, firstTemplate);
            assertTrue(learned - firstSeen <= ALLOWED_SECONDS,
                    "templates came " + (learned - firstSeen) + " s after the collector started");
            for (int i = 1; i < templateFrames.size(); i++) {
                double gap = time(packets, templateFrames.get(i)) - time(packets, templateFrames.get(i - 1));
                assertTrue(gap <= ALLOWED_SECONDS, "refresh gap of " + gap + " s");
            }
            long decoded = WiresharkRecords.of(capture, MODEL).stream().filter(r -> r.values().containsKey("octetDeltaCount")).count();
            assertTrue(decoded > 0);
        }
    }

    private static void feed(IpfixExporter exporter, AtomicBoolean feeding) {
        int i = 0;
        while (feeding.get()) {
            for (var f : TestFlows.flows(3, i++, 4)) {
                exporter.export(f);
            }
            exporter.flush(Duration.ofSeconds(5));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double time(List<String[]> packets, int frame) {
        for (String[] p : packets) {
            if (Integer.parseInt(p[0]) == frame) {
                return Double.parseDouble(p[1]);
            }
        }
        throw new AssertionError("no frame " + frame);
    }
}
