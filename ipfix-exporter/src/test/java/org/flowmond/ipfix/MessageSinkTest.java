package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.IpfixDecoder;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Whole encoded messages to a message sink: templates first, every record, contiguous sequence numbers. */
@UnitTest
class MessageSinkTest {

    /** Keeps a copy of every message, as a Kafka producer would put each in a record. */
    static final class Collecting implements IpfixMessageSink {
        final List<byte[]> messages = new ArrayList<>();
        boolean refuse;
        int flushes;
        boolean closed;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public boolean accept(ByteBuffer message, int flowRecords) {
            if (refuse) {
                return false;
            }
            byte[] copy = new byte[message.remaining()];
            message.get(copy);
            messages.add(copy);
            return true;
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aSinkGetsTemplatesFirstThenEveryRecordInWholeMessages() throws Exception {
        Collecting sink = new Collecting();
        var flows = TestFlows.flows(500, 11, 0);
        try (IpfixExporter exporter = IpfixExporter.start(Settings.to().build(), List.of(sink))) {
            flows.forEach(exporter::export);
        }
        IpfixDecoder decoder = new IpfixDecoder(InformationElements.withFlowmondEnterprise(32473));
        long records = 0;
        long nextSequence = 0;
        for (byte[] m : sink.messages) {
            IpfixDecoder.Message message = decoder.decode(m); // throws on a data set before its template
            assertEquals(message.length(), m.length, "one whole message per call");
            assertTrue(m.length <= 1500 - 28);
            if (message.observationDomainId() == 7) {
                assertEquals(nextSequence, message.sequenceNumber(), "contiguous sequence numbers");
                nextSequence += message.records().size();
                records += message.records().stream().filter(r -> r.values().containsKey("octetDeltaCount")).count();
            }
        }
        assertEquals(flows.size(), records);
        assertTrue(sink.closed && sink.flushes > 0);
    }

    @Test
    void whatASinkRefusesIsCountedAsNotSent() throws Exception {
        Collecting sink = new Collecting();
        sink.refuse = true;
        IpfixExporter exporter = IpfixExporter.start(Settings.to().build(), List.of(sink));
        TestFlows.flows(20, 5, 4).forEach(exporter::export);
        exporter.close();
        CollectorStatistics s = exporter.statistics().sinks().get(0);
        assertEquals("sink:test", s.destination());
        assertEquals(20, s.notSentFlowRecords());
        assertEquals(0, s.flowRecordsSent());
    }
}
