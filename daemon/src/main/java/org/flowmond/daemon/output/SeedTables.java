package org.flowmond.daemon.output;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalLong;
import java.nio.file.Path;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.FlowSink;
import org.flowmond.daemon.flow.HandshakeStats;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;

/**
 * The seed report's two tables (connect, then accept), over the whole run: every exported
 * syscall record is merged into a per-key total (exact, see {@link SyscallStats#merge}), and
 * {@link #write} adds the calls of flows not exported yet. Format, as the seed tool prints it:
 *
 * <pre>
 * PID	COMM	IP	SADDR	DADDR	RPORT	COUNT	MTBS(s)	OUTCOME
 * 4429	transmission-gt	4	131.114.119.103	2.110.31.100	51413	2	1.535329	established
 * 4429	transmission-gt	4	131.114.119.103	2.110.31.9	51413	7	0.250000	refused
 * </pre>
 *
 * tab-separated, MTBS in seconds with 6 decimals, "-" for a single call. Rows are ordered by
 * their first call. The connect table has one column more than the seed tool's: the outcome is
 * part of a connect flow's key, so a process's refused and its established connects to one
 * service are two rows (established, refused, timed-out, unreachable, other; "-" when the
 * probe variant reports connects before their handshake ends). The accept table is the seed's.
 * A table in which some row's process is in a container (or a systemd-nspawn machine) gets a last
 * column, CONTAINER: the ID's first 12 hex digits as {@code docker ps} and {@code podman ps} show
 * it (a machine's name whole), "-" for a row outside any; without such a row the table is the
 * seed's. Likewise the connect table gets HS_MAX(ms), HS_AVG(ms) and RETRANS (before CONTAINER) when
 * some row has TCP health: the slowest and mean handshake of the row's connections (SYN to SYN-ACK
 * as seen here: how the destination answers) and the segments they retransmitted. Thread-safe: records arrive on the flow thread, {@link #write} runs on whichever thread
 * handles SIGINT.
 */
public final class SeedTables implements FlowSink {
    private final Map<SyscallFlowKey, SyscallStats> totals = new LinkedHashMap<>();
    /** The container of each key's process, for the keys whose process is in one. */
    private final Map<SyscallFlowKey, String> containers = new HashMap<>();
    /** How each connect key's destination answered, for the keys with TCP health. */
    private final Map<SyscallFlowKey, HandshakeStats> health = new HashMap<>();

    @Override
    public void biflow(BiflowRecord record) {
        // the seed tables are about syscalls only
    }

    @Override
    public synchronized void syscallFlow(SyscallFlowRecord r) {
        totals.merge(r.key(), r.stats(), SyscallStats::merge);
        noteContainer(containers, r);
        noteHealth(health, r);
    }

    private static void noteHealth(Map<SyscallFlowKey, HandshakeStats> health, SyscallFlowRecord r) {
        if (r.health() != null) {
            health.merge(r.key(), r.health(), HandshakeStats::merge);
        }
    }

    private static void noteContainer(Map<SyscallFlowKey, String> containers, SyscallFlowRecord r) {
        String id = r.process() == null ? "" : r.process().containerId();
        if (!id.isEmpty()) {
            containers.put(r.key(), shortId(id));
        }
    }

    /**
     * A container ID as {@code docker ps} and {@code podman ps} show it: the first 12 of its 64 hex
     * digits. Other IDs (a machine's name) are shown whole.
     */
    static String shortId(String id) {
        return id.length() == 64 && id.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? id.substring(0, 12) : id;
    }

    /** Writes both tables: everything exported so far plus {@code notYetExported}. */
    public void write(PrintStream out, List<SyscallFlowRecord> notYetExported) {
        Map<SyscallFlowKey, SyscallStats> all;
        Map<SyscallFlowKey, String> inContainers;
        Map<SyscallFlowKey, HandshakeStats> answers;
        synchronized (this) {
            all = new LinkedHashMap<>(totals);
            inContainers = new HashMap<>(containers);
            answers = new HashMap<>(health);
        }
        for (SyscallFlowRecord r : notYetExported) {
            all.merge(r.key(), r.stats(), SyscallStats::merge);
            noteContainer(inContainers, r);
            noteHealth(answers, r);
        }
        writeTable(out, all, inContainers, answers, SocketEventKind.CONNECT, "RPORT\tCOUNT\tMTBS(s)\tOUTCOME");
        out.println();
        writeTable(out, all, inContainers, Map.of(), SocketEventKind.ACCEPT, "LPORT\tCOUNT\tMTBS(s)");
        out.flush();
    }

    private static void writeTable(PrintStream out, Map<SyscallFlowKey, SyscallStats> all,
                                   Map<SyscallFlowKey, String> containers, Map<SyscallFlowKey, HandshakeStats> health,
                                   SocketEventKind kind, String lastColumns) {
        List<Map.Entry<SyscallFlowKey, SyscallStats>> rows = new ArrayList<>();
        for (Map.Entry<SyscallFlowKey, SyscallStats> e : all.entrySet()) {
            if (e.getKey().kind() == kind) {
                rows.add(e);
            }
        }
        rows.sort(Comparator.comparingLong(e -> e.getValue().firstNanos()));
        boolean containerColumn = rows.stream().anyMatch(e -> containers.containsKey(e.getKey()));
        boolean healthColumns = rows.stream().anyMatch(e -> health.containsKey(e.getKey()));
        out.println("PID\tCOMM\tIP\tSADDR\tDADDR\t" + lastColumns + (healthColumns ? "\tHS_MAX(ms)\tHS_AVG(ms)\tRETRANS" : "")
                + (containerColumn ? "\tCONTAINER" : ""));
        for (Map.Entry<SyscallFlowKey, SyscallStats> e : rows) {
            SyscallFlowKey k = e.getKey();
            SyscallStats s = e.getValue();
            out.println(k.pid() + "\t" + k.comm() + "\t" + k.ipVersion() + "\t" + text(k.srcAddress()) + "\t"
                    + text(k.dstAddress()) + "\t" + k.port() + "\t" + s.count() + "\t" + mtbs(s.mtbsNanos())
                    + (kind == SocketEventKind.CONNECT ? "\t" + outcome(k.outcome()) : "")
                    + (healthColumns ? "\t" + health(health.get(k)) : "")
                    + (containerColumn ? "\t" + containers.getOrDefault(k, "-") : ""));
        }
    }

    /**
     * What {@link #writeFile} did: table rows (not headers) whose line reached the file, rows lost,
     * partial lines left in the file (0 unless cutting one off failed too), and the error if any.
     */
    public record FileResult(long rowsWritten, long rowsFailed, long partialLines, IOException error) {
    }

    /**
     * Writes {@code tables} (as {@link #write} makes them) to {@code file}, replacing it, with exact
     * accounting ({@link LineFile}): a row counts as written only once its line reached the file; on a
     * full disk the file keeps the rows that fit, cut at the last complete line.
     */
    public static FileResult writeFile(Path file, String tables) {
        List<String> lines = tables.lines().toList();
        long rows = lines.stream().filter(SeedTables::isRow).count();
        LineFile out;
        try {
            out = LineFile.replace(file);
        } catch (IOException e) {
            return new FileResult(0, rows, 0, e);
        }
        IOException error = null;
        for (String line : lines) {
            IOException e = out.line(line, isRow(line));
            error = error == null ? e : error;
        }
        try {
            out.close();
        } catch (IOException e) {
            error = error == null ? e : error;
        }
        return new FileResult(out.written(), out.failed(), out.partialLines(), error);
    }

    private static boolean isRow(String line) {
        return !line.isEmpty() && !line.startsWith("PID\t");
    }

    static String mtbs(OptionalLong nanos) {
        return nanos.isPresent() ? String.format(Locale.ROOT, "%.6f", nanos.getAsLong() / 1e9) : "-";
    }

    /** The three health columns: worst and mean handshake in ms with 3 decimals, retransmissions; "-" when not known. */
    static String health(HandshakeStats h) {
        if (h == null) {
            return "-\t-\t-";
        }
        String worst = h.handshakes() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", h.worstMicros() / 1e3);
        String mean = h.handshakes() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", h.meanMicros() / 1e3);
        return worst + "\t" + mean + "\t" + h.retransmittedPackets();
    }

    /** A connect's outcome as the tables and the JSON output name it; "-" when the probe cannot tell. */
    static String outcome(ConnectOutcome o) {
        return o == ConnectOutcome.NONE ? "-" : o.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String text(InetAddress a) {
        return a.getHostAddress();
    }
}
