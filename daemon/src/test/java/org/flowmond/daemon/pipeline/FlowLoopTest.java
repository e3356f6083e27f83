package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TC overflow records through the one inbox: the same waiting as socket events, and no deadlock at close or reload. */
@UnitTest
class FlowLoopTest {
    @TempDir
    Path dir;

    private Pipeline start(FakeSources src, String extra) throws Exception {
        Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.export.collectors = []\nflowmon.probes.ring-poll-interval = 10ms\n" + extra));
        return Pipeline.start(s, src, () -> 0L, new ProcessResolver(new UserNames(dir.resolve("passwd")),
                dir.resolve("proc")), true);
    }

    private static Settings reloaded(String extra) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.export.collectors = []\nflowmon.probes.ring-poll-interval = 10ms\n" + extra));
    }

    @Test
    void anOverflowBurstLargerThanTheInboxWaitsInsteadOfDropping() throws Exception {
        FakeSources src = new FakeSources();
        Pipeline p = start(src, "");
        UniFlow packet = InboxTest.overflowPacket();
        int burst = 3 * Inbox.CAPACITY;
        for (int i = 0; i < burst; i++) {
            src.overflowFromReader(packet); // returns once queued, as the ring's reader thread does
        }
        p.close();
        assertEquals(0, src.overflowRefused);
        assertEquals((long) burst, p.statistics().get("flows.overflow-packets"));
    }

    /**
     * A reader that holds its ring's lock while it waits for room, and a close (then a reload that
     * replaces the TC program) that reads that ring: each ends, and every record is counted either
     * in the table or as refused.
     */
    @Test
    void aWaitingOverflowReaderBlocksNeitherCloseNorReload() throws Exception {
        for (boolean reload : new boolean[] {false, true}) {
            FakeSources src = new FakeSources();
            Pipeline p = start(src, "");
            UniFlow packet = InboxTest.overflowPacket();
            AtomicBoolean flood = new AtomicBoolean(true);
            long[] sent = new long[1];
            Thread reader = new Thread(() -> {
                while (flood.get()) {
                    src.overflowFromReader(packet);
                    sent[0]++;
                }
            });
            reader.start();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                if (reload) {
                    p.reload(reloaded("flowmon.interfaces = [lo]")); // a new TC program: the old ring's last reading
                }
                p.close();
            }, "deadlock between the overflow reader and the flow lock");
            flood.set(false);
            reader.join();
            long inTable = p.statistics().get("flows.overflow-packets");
            assertEquals(sent[0], inTable + src.overflowRefused, "every record in the table or counted as refused");
        }
    }

    /** A flow thread over fake sources whose cycles are a minute apart (the longest scan interval the settings allow). */
    private FlowLoop idleLoop(FakeSources src, String extra) throws Exception {
        FlowLoop loop = new FlowLoop(reloaded("flowmon.probes.tc-scan-interval = 60s\n" + extra), () -> 0L,
                new KernelClock(), new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")),
                new FlowSink() {
                    @Override
                    public void biflow(BiflowRecord record) {
                    }

                    @Override
                    public void syscallFlow(SyscallFlowRecord record) {
                    }
                }, () -> { });
        Inbox.Producer tc = loop.producer();
        Reader<UniFlowSource> tcReader = new Reader<>(src.openTc(null, tc.overflow()), tc);
        loop.attach(tcReader, new Reader<>(src.openSyscall(null), loop.producer()));
        loop.startThread();
        return loop;
    }

    private static long overflowPackets(FlowLoop loop) {
        synchronized (loop.lock()) {
            return loop.table().stats().counts().overflowPackets();
        }
    }

    /**
     * A record offered while the flow thread sleeps reaches the table long before the next cycle
     * (60 s) or poll interval (10 s, the longest allowed) would have taken it: the offer woke it.
     */
    @Test
    void anOfferWakesTheSleepingFlowThreadAtOnce() throws Exception {
        FakeSources src = new FakeSources();
        FlowLoop loop = idleLoop(src, "flowmon.probes.ring-poll-interval = 10s\n");
        try {
            UniFlow packet = InboxTest.overflowPacket();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                for (int i = 1; i <= 3; i++) {
                    src.overflowFromReader(packet);
                    while (overflowPackets(loop) < i) {
                        Thread.sleep(1);
                    }
                }
            }, "the flow thread slept through the offers");
            assertEquals(3, overflowPackets(loop));
            assertEquals(3, loop.wakeUps(), "one wake-up per offer");
        } finally {
            loop.stop();
        }
    }

    /**
     * stop() while a periodic scan is under way: the scan ends at its next entry instead of reading
     * the rest of the map, and the final flush (here the entry-by-entry path, whose last scan reads
     * the whole map) still exports every flow once, with reason forced end.
     */
    @Test
    void stopCutsAPeriodicScanShortAndTheFinalFlushExportsEveryFlow() throws Exception {
        int flows = 50;
        FakeSources src = new FakeSources();
        for (int i = 0; i < flows; i++) {
            FlowKey key = new FlowKey(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"),
                    40_000 + i, 80, 6, FlowKey.ETH_P_IP, 2, Direction.EGRESS);
            src.tcMap.put(key, new FlowCounters(1, 60, 1, 1, 0));
        }
        AtomicInteger periodicEntries = new AtomicInteger();
        CountDownLatch inTheScan = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        src.beforeScanEntry = u -> {
            if (Thread.currentThread().getName().equals("flowmond-flows") && periodicEntries.incrementAndGet() == 5) {
                inTheScan.countDown();
                awaitUninterruptibly(goOn);
            }
        };
        Map<Integer, FlowEndReason> exported = new ConcurrentHashMap<>();
        AtomicInteger records = new AtomicInteger();
        FlowLoop loop = new FlowLoop(reloaded("flowmon.probes.tc-scan-interval = 60s\n"), () -> 0L, new KernelClock(),
                new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), new FlowSink() {
                    @Override
                    public void biflow(BiflowRecord r) {
                        records.incrementAndGet();
                        exported.put(r.src().port() + r.dst().port(), r.reason()); // one side is port 80
                    }

                    @Override
                    public void syscallFlow(SyscallFlowRecord r) {
                    }
                }, () -> { });
        Inbox.Producer tc = loop.producer();
        loop.attach(new Reader<>(src.openTc(null, tc.overflow()), tc), new Reader<>(src.openSyscall(null), loop.producer()));
        loop.startThread(); // the first cycle's scan starts at once
        inTheScan.await();
        Thread stopper = new Thread(loop::stop, "stopper");
        stopper.start();
        while (!loop.stopping()) {
            Thread.sleep(1);
        }
        goOn.countDown();
        stopper.join();
        assertEquals(5, periodicEntries.get(), "the scan handed over no entry after stop()");
        assertEquals(flows, records.get(), "each flow exported once");
        assertEquals(flows, exported.size());
        exported.values().forEach(reason -> assertEquals(FlowEndReason.FORCED_END, reason));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // stop() interrupts the flow thread only between cycles; keep waiting
            }
        }
    }

    /** Idle, with a 10 ms poll interval that the old loop woke on: no wake-up between two cycles. */
    /** Each cycle asks both readers to wake if records wait for them: they keep no timer of their own. */
    @Test
    void everyCycleWakesTheReadersWhoseRingsHoldRecords() throws Exception {
        FakeSources src = new FakeSources();
        FlowLoop loop = idleLoop(src, "");
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (src.tcWakeChecks == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            loop.runCycle();
            loop.runCycle();
            assertEquals(3, src.tcWakeChecks, "the thread's first cycle and two more");
            assertEquals(3, src.syscallWakeChecks);
        } finally {
            loop.stop();
        }
    }

    @Test
    void anIdleFlowThreadDoesNotWakeBetweenCycles() throws Exception {
        FakeSources src = new FakeSources();
        FlowLoop loop = idleLoop(src, "");
        try {
            Thread.sleep(300); // 30 poll intervals of 10 ms
            assertEquals(0, loop.wakeUps());
        } finally {
            loop.stop();
        }
    }
}
