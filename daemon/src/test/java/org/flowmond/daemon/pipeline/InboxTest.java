package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The inbox's one policy: readers wait while a flow thread takes it; drops only when none will. */
@UnitTest
class InboxTest {
    private final AtomicBoolean consumerCalling = new AtomicBoolean();
    private final List<Object> taken = new ArrayList<>();
    private Inbox inbox;

    {
        inbox = new Inbox(consumerCalling::get, () -> inbox.drainTo(taken::add));
    }

    private static SocketEvent event() throws Exception {
        return new SocketEvent(SocketEventKind.CONNECT, 1, 4321, 4321, 1000, 1000, 1, "curl", "bash", 1, 1, 4,
                InetAddress.getByName("10.0.0.2"), 40000, InetAddress.getByName("10.0.0.1"), 80);
    }

    @Test
    void withoutAFlowThreadAFullInboxIsACountedDrop() throws Exception {
        Consumer<SocketEvent> reader = inbox.producer().events();
        SocketEvent e = event();
        for (int i = 0; i < Inbox.CAPACITY + 3; i++) {
            reader.accept(e);
        }
        assertEquals(3, inbox.droppedEvents());
        inbox.drainTo(taken::add);
        assertEquals(Inbox.CAPACITY, taken.size());
    }

    @Test
    void whileAFlowThreadTakesItAReaderWaitsForRoom() throws Exception {
        inbox.start();
        SocketEvent e = event();
        int burst = 3 * Inbox.CAPACITY;
        Thread reader = new Thread(() -> {
            Consumer<SocketEvent> r = inbox.producer().events();
            for (int i = 0; i < burst; i++) {
                r.accept(e);
            }
        });
        reader.start();
        while (reader.isAlive() || taken.size() < burst) {
            inbox.drainTo(taken::add);
            Thread.onSpinWait();
        }
        assertEquals(burst, taken.size());
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void theConsumerNeverWaitsForItself() throws Exception {
        inbox.start();
        consumerCalling.set(true); // e.g. the TC ring read on the thread that holds the flow lock
        Consumer<SocketEvent> own = inbox.producer().events();
        SocketEvent e = event();
        for (int i = 0; i < Inbox.CAPACITY + 5; i++) {
            own.accept(e);
        }
        inbox.drainTo(taken::add);
        assertEquals(Inbox.CAPACITY + 5, taken.size(), "a full inbox was emptied into the table first");
        assertEquals(0, inbox.droppedEvents());
    }

    @Test
    void aClosedProducerStopsWaitingAndCountsItsDrop() throws Exception {
        inbox.start();
        Inbox.Producer producer = inbox.producer();
        UniFlow packet = overflowPacket();
        for (int i = 0; i < Inbox.CAPACITY; i++) {
            assertTrue(producer.overflow().test(packet));
        }
        AtomicBoolean queued = new AtomicBoolean(true);
        Thread reader = new Thread(() -> queued.set(producer.overflow().test(packet)));
        reader.start();
        producer.close(); // its source is being drained to be replaced or closed: no more waiting
        reader.join();
        assertFalse(queued.get());
        assertEquals(1, inbox.droppedOverflow());
        assertEquals(0, inbox.droppedEvents());
    }

    static UniFlow overflowPacket() throws Exception {
        FlowKey key = new FlowKey(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"), 40001, 80, 6,
                FlowKey.ETH_P_IP, 2, Direction.EGRESS);
        return new UniFlow(key, new FlowCounters(1, 60, 1, 1, 0), null, null);
    }
}
