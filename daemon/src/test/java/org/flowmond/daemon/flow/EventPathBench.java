package org.flowmond.daemon.flow;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.daemon.config.FlowSettings;

/**
 * The flow thread's per-event work alone: {@link FlowTable#onSocketEvent} fed the events of
 * bench/src/connect_loop.c (one process connecting to and accepting from 127.0.0.1:7301, two events
 * per connection, the client port counting up), with this process's real /proc and /etc/passwd.
 * Not a test: a main for comparing two versions of the event path on the same machine.
 *
 * <p>usage: java -cp daemon/target/flowmond.jar:daemon/target/test-classes
 * org.flowmond.daemon.flow.EventPathBench [EVENTS] [ROUNDS]
 */
public final class EventPathBench {
    private EventPathBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        FlowSettings params = new FlowSettings(10_000, 10_000, Duration.ofSeconds(30), Duration.ofSeconds(120),
                Duration.ofSeconds(1));
        ProcessResolver resolver = new ProcessResolver(UserNames.system(), Path.of("/proc"));
        FlowSink sink = new FlowSink() {
            @Override
            public void biflow(BiflowRecord r) {
            }

            @Override
            public void syscallFlow(SyscallFlowRecord r) {
            }
        };
        FlowTable table = new FlowTable(params, FilterSettings.NONE, System::nanoTime, t -> t + 1_000_000_000L,
                k -> null, resolver, sink);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int pid = (int) ProcessHandle.current().pid();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        for (int r = 0; r < rounds; r++) {
            SocketEvent[] burst = burst(events, pid, lo, System.nanoTime());
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (SocketEvent e : burst) {
                table.onSocketEvent(e);
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("round %d: %d events, %.1f ns/event (thread CPU), %,.0f events/s per core%n", r, events,
                    (double) cpu / events, events * 1e9 / cpu);
        }
    }

    /** What the ring reader hands over for {@code events / 2} connections of connect_loop. */
    private static SocketEvent[] burst(int events, int pid, InetAddress lo, long t0) {
        SocketEvent[] burst = new SocketEvent[events];
        for (int i = 0; i < events; i++) {
            int clientPort = 32768 + (i / 2) % 28000;
            long t = t0 + 300L * i;
            burst[i] = i % 2 == 0
                    ? new SocketEvent(SocketEventKind.CONNECT, t, pid, pid, 0, 0, 1, "connect_loop", "bash", 4242,
                            4026531840L, 4, lo, clientPort, lo, 7301, ConnectOutcome.ESTABLISHED)
                    : new SocketEvent(SocketEventKind.ACCEPT, t, pid, pid, 0, 0, 1, "connect_loop", "bash", 4242,
                            4026531840L, 4, lo, 7301, lo, clientPort, ConnectOutcome.NONE);
        }
        return burst;
    }
}
