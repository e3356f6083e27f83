package org.flowmond.ipfix.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Sequence numbers and template refresh, with a session that records what it is given. */
@UnitTest
class ExportSessionTest {
    private static final RecordLayout<Integer> LAYOUT = new IntLayout(4);
    private static final List<IpfixMessage> TEMPLATES = List.of(new IpfixMessage(0, 0, 1,
            List.of(new TemplateSet(List.of(new TemplateRecord(256, List.of(new FieldSpecifier(1, 4, 0))))))));

    private static final class Recording extends ExportSession {
        final List<IpfixMessage> written = new ArrayList<>();
        boolean open = true;

        Recording(TemplateRefresh refresh) {
            super("test", refresh);
        }

        @Override
        protected boolean write(IpfixMessage stamped, int flowRecords) {
            written.add(stamped);
            sent(stamped.encodedLength(), flowRecords, stamped.dataRecordCount());
            return true;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void reopenIfClosed() {
        }

        @Override
        public CompletableFuture<Void> close() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static IpfixMessage data(int records) {
        return new IpfixMessage(0, 0, 1, List.of(new DataSet<>(LAYOUT, Collections.nCopies(records, 1))));
    }

    @Test
    void sequenceNumberCountsDataRecordsSentBeforeTheMessage() {
        Recording s = new Recording(new TemplateRefresh(Duration.ofMinutes(10), 0));
        s.announce(TEMPLATES, 0, 0);
        s.sendData(data(3), 3);
        s.sendData(data(5), 5);
        s.announce(TEMPLATES, 0, 0);
        s.sendData(data(1), 1);
        assertEquals(List.of(0L, 0L, 3L, 8L, 8L), s.written.stream().map(IpfixMessage::sequenceNumber).toList());
        assertEquals(9, s.sequenceNumber(1));
        assertEquals(9, s.flowRecordsSent());
        assertEquals(5, s.messagesSent());
    }

    @Test
    void eachObservationDomainHasItsOwnSequence() {
        Recording s = new Recording(TemplateRefresh.ONCE);
        s.sendData(data(3), 3);
        s.sendOptions(new IpfixMessage(0, 0, 0, List.of(new DataSet<>(LAYOUT, List.of(1, 2)))));
        s.sendData(data(1), 1);
        s.sendOptions(new IpfixMessage(0, 0, 0, List.of(new DataSet<>(LAYOUT, List.of(1)))));
        assertEquals(List.of(0L, 0L, 3L, 2L), s.written.stream().map(IpfixMessage::sequenceNumber).toList());
        assertEquals(4, s.sequenceNumber(1));
        assertEquals(3, s.sequenceNumber(0));
    }

    @Test
    void sequenceNumberWrapsModulo2To32() {
        Recording s = new Recording(TemplateRefresh.ONCE);
        s.startSequenceAt(1, 0xFFFF_FFFEL);
        s.sendData(data(3), 3);
        s.sendData(data(1), 1);
        assertEquals(0xFFFF_FFFEL, s.written.get(0).sequenceNumber());
        assertEquals(1, s.written.get(1).sequenceNumber());
    }

    @Test
    void templatesAreDueFirstThenByTimeAndByMessageCount() {
        long second = 1_000_000_000L;
        Recording s = new Recording(new TemplateRefresh(Duration.ofSeconds(10), 3));
        assertTrue(s.announcementDue(0), "before anything is sent");
        s.announce(TEMPLATES, 0, 0);
        assertFalse(s.announcementDue(9 * second));
        assertTrue(s.announcementDue(10 * second), "after the interval");
        s.sendData(data(1), 1);
        s.sendData(data(1), 1);
        assertFalse(s.announcementDue(second));
        s.sendData(data(1), 1);
        assertTrue(s.announcementDue(second), "after 3 data messages");
        s.announce(TEMPLATES, 0, second);
        assertFalse(s.announcementDue(second));
        assertEquals(2, s.templateRefreshes());
    }

    @Test
    void aClosedSessionCountsRecordsAsNotSentAndKeepsItsSequence() {
        Recording s = new Recording(TemplateRefresh.ONCE);
        s.open = false;
        s.sendData(data(4), 4);
        assertEquals(4, s.notSentFlowRecords());
        assertEquals(0, s.sequenceNumber(1));
        assertTrue(s.written.isEmpty());
    }
}
