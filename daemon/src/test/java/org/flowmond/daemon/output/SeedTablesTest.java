package org.flowmond.daemon.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.container.ContainerIdentity;
import org.flowmond.daemon.container.ContainerRuntime;
import org.flowmond.daemon.container.QosClass;
import org.flowmond.daemon.flow.HandshakeStats;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The seed tables as printed: the seed's columns when no process is in a container; a last
 * CONTAINER column, with the short ID that {@code podman ps} shows, in a table where one is.
 */
@UnitTest
class SeedTablesTest {
    private static final String PODMAN_ID = "21a3d01cea81d3327da41e1cf92fa3a1f14ecbd75e4f1a74bf616b63d3138a8c";
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void withoutContainersTheTablesAreTheSeeds() throws Exception {
        String tables = print(List.of(
                connect(4429, "curl", host(), 2, 1_535_329_000L),
                accept(812, "nginx", host())));
        assertEquals("""
                PID	COMM	IP	SADDR	DADDR	RPORT	COUNT	MTBS(s)	OUTCOME
                4429	curl	4	10.88.0.2	10.88.0.3	80	2	1.535329	established

                PID	COMM	IP	SADDR	DADDR	LPORT	COUNT	MTBS(s)
                812	nginx	4	10.88.0.2	10.88.0.3	80	1	-
                """, tables);
    }

    @Test
    void aTableWithAContainerGetsTheColumnWithTheShortId() throws Exception {
        ContainerIdentity podman = new ContainerIdentity(PODMAN_ID, ContainerRuntime.PODMAN, "", "", QosClass.NONE,
                "/libpod_parent/libpod-" + PODMAN_ID);
        ContainerIdentity machine = new ContainerIdentity("bookworm", ContainerRuntime.MACHINED,
                "machine-bookworm.scope", "", QosClass.NONE, "/machine.slice/machine-bookworm.scope");
        ContainerIdentity unit = new ContainerIdentity("", ContainerRuntime.SYSTEMD, "ssh.service", "", QosClass.NONE,
                "/system.slice/ssh.service");
        String tables = print(List.of(
                connect(4429, "curl", host(), 2, 1_535_329_000L),
                connect(5000, "wget", podman, 1, 0),
                connect(5100, "apt", machine, 1, 0),
                connect(5200, "ssh", unit, 1, 0),
                accept(812, "nginx", unit)));
        assertEquals("""
                PID	COMM	IP	SADDR	DADDR	RPORT	COUNT	MTBS(s)	OUTCOME	CONTAINER
                4429	curl	4	10.88.0.2	10.88.0.3	80	2	1.535329	established	-
                5000	wget	4	10.88.0.2	10.88.0.3	80	1	-	established	21a3d01cea81
                5100	apt	4	10.88.0.2	10.88.0.3	80	1	-	established	bookworm
                5200	ssh	4	10.88.0.2	10.88.0.3	80	1	-	established	-

                PID	COMM	IP	SADDR	DADDR	LPORT	COUNT	MTBS(s)
                812	nginx	4	10.88.0.2	10.88.0.3	80	1	-
                """, tables);
    }

    @Test
    void recordsNotYetExportedCountToo() throws Exception {
        ContainerIdentity podman = new ContainerIdentity(PODMAN_ID, ContainerRuntime.PODMAN, "", "", QosClass.NONE, "");
        SeedTables t = new SeedTables();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.write(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(accept(812, "nginx", podman)));
        assertEquals("""
                PID	COMM	IP	SADDR	DADDR	RPORT	COUNT	MTBS(s)	OUTCOME

                PID	COMM	IP	SADDR	DADDR	LPORT	COUNT	MTBS(s)	CONTAINER
                812	nginx	4	10.88.0.2	10.88.0.3	80	1	-	21a3d01cea81
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void connectsWithHealthAddTheHandshakeAndRetransmissionColumns() throws Exception {
        SyscallFlowRecord slow = connect(4429, "curl", host(), 2, 1_535_329_000L);
        SyscallFlowRecord first = new SyscallFlowRecord(slow.key(), slow.process(), slow.stats(), slow.reason(),
                new HandshakeStats(1, 20_400, 20_400, 3));
        SyscallFlowRecord second = new SyscallFlowRecord(slow.key(), slow.process(), slow.stats(), slow.reason(),
                new HandshakeStats(1, 80_100, 80_100, 0));
        String tables = print(List.of(first, second, connect(4430, "wget", host(), 1, 0), accept(812, "nginx", host())));
        assertEquals("""
                PID	COMM	IP	SADDR	DADDR	RPORT	COUNT	MTBS(s)	OUTCOME	HS_MAX(ms)	HS_AVG(ms)	RETRANS
                4429	curl	4	10.88.0.2	10.88.0.3	80	4	0.511776	established	80.100	50.250	3
                4430	wget	4	10.88.0.2	10.88.0.3	80	1	-	established	-	-	-

                PID	COMM	IP	SADDR	DADDR	LPORT	COUNT	MTBS(s)
                812	nginx	4	10.88.0.2	10.88.0.3	80	1	-
                """, tables);
    }

    private static String print(List<SyscallFlowRecord> exported) {
        SeedTables t = new SeedTables();
        exported.forEach(t::syscallFlow);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.write(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ContainerIdentity host() {
        return ContainerIdentity.unknown();
    }

    private static ProcessInfo process(ContainerIdentity c, int pid, String comm) {
        return new ProcessInfo(pid, comm, 0, "root", 1, "init", 1234, c.cgroupPath(), c);
    }

    private static SyscallFlowRecord connect(int pid, String comm, ContainerIdentity c, long count, long mtbsNanos)
            throws Exception {
        SyscallFlowKey key = new SyscallFlowKey(SocketEventKind.CONNECT, pid, comm, 4, InetAddress.getByName("10.88.0.2"),
                InetAddress.getByName("10.88.0.3"), 80, ConnectOutcome.ESTABLISHED);
        return new SyscallFlowRecord(key, process(c, pid, comm), stats(pid, count, mtbsNanos), FlowEndReason.IDLE_TIMEOUT);
    }

    private static SyscallFlowRecord accept(int pid, String comm, ContainerIdentity c) throws Exception {
        SyscallFlowKey key = new SyscallFlowKey(SocketEventKind.ACCEPT, pid, comm, 4, InetAddress.getByName("10.88.0.2"),
                InetAddress.getByName("10.88.0.3"), 80, ConnectOutcome.NONE);
        return new SyscallFlowRecord(key, process(c, pid, comm), stats(pid, 1, 0), FlowEndReason.IDLE_TIMEOUT);
    }

    /** First call ordered by pid, so rows come in the order the test lists them. */
    private static SyscallStats stats(int pid, long count, long mtbsNanos) {
        long first = T0 + pid;
        return new SyscallStats(count, first, first + (count - 1) * mtbsNanos);
    }
}
