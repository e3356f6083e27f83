package org.flowmond.ipfix.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The charging rule: each ICMP error takes the oldest uncharged message of the last second. */
@UnitTest
class RefusalLedgerTest {
    private static final long MS = 1_000_000;

    @Test
    void eachErrorIsChargedToTheOldestMessageOfTheLastSecond() {
        RefusalLedger ledger = new RefusalLedger();
        ledger.sent(0, 0);          // templates
        ledger.sent(10 * MS, 5);
        ledger.sent(20 * MS, 7);
        assertEquals(0, ledger.charge(21 * MS));
        assertEquals(5, ledger.charge(22 * MS));
        assertEquals(7, ledger.charge(23 * MS));
        assertEquals(0, ledger.charge(24 * MS), "nothing left to charge: counted without records");
    }

    @Test
    void messagesOlderThanTheWindowAreNotCharged() {
        RefusalLedger ledger = new RefusalLedger();
        ledger.sent(0, 9);
        ledger.sent(900 * MS, 4);
        assertEquals(4, ledger.charge(1_500 * MS), "the first one left the window unrefused");
    }

    @Test
    void aMessageThatStaysAWindowWithoutErrorMeansTheCollectorAcceptsAgain() {
        RefusalLedger ledger = new RefusalLedger();
        ledger.sent(0, 3);
        assertEquals(3, ledger.charge(1 * MS));
        ledger.sent(100 * MS, 2);
        assertFalse(ledger.acceptedSinceLastError(900 * MS));
        assertTrue(ledger.acceptedSinceLastError(1_200 * MS));
        assertEquals(0, ledger.charge(1_300 * MS));
        assertFalse(ledger.acceptedSinceLastError(1_400 * MS), "a new error: refusing again");
    }
}
