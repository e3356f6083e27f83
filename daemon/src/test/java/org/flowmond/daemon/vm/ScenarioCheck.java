package org.flowmond.daemon.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.Tools;

/**
 * Judges what one run of {@code packaging/vm/guest/e2e-scenario.sh} left in its directory,
 * against exact expectations: the PIDs the scenario recorded, and the counts the capture of the
 * veth itself shows. Every mismatch becomes one line in {@link Row#problems()}.
 */
final class ScenarioCheck {
    static final int IPFIX_PORT = 4739;
    static final int TRANSFER_PORT = ScenarioService.TRANSFER.port();
    static final int REPEAT_PORT = ScenarioService.REPEAT.port();
    /** The scenario sleeps 0.3 s between repeated connects, so their mean interval is at least that. */
    static final double MIN_REPEAT_MTBS = 0.3;

    /** One cell of the kernel matrix. */
    record Row(String kernel, String variant, String attachedAs, String tcAttach, String events, String flows,
            String owners, String mtbs, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }

        String markdown() {
            return "| " + String.join(" | ", kernel, variant, attachedAs, tcAttach, events, flows, owners, mtbs, ok() ? "ok" : "FAIL")
                    + " |";
        }
    }

    private final Path dir;
    private final String kernel;
    private final String variant;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> expected = new HashMap<>();
    private String owners = "-";

    private ScenarioCheck(Path dir, String kernel, String variant) {
        this.dir = dir;
        this.kernel = kernel;
        this.variant = variant;
    }

    static Row check(Path dir, String kernel, String variant) {
        return new ScenarioCheck(dir, kernel, variant).row();
    }

    private Row row() {
        try {
            readExpected();
            String attached = attachedAs();
            String tc = tcAttach();
            if (!expected.containsKey("DAEMON_EXIT")) {
                problems.add("the scenario did not finish: " + lastLines("daemon.log", 3));
                return new Row(kernel, variant, attached, tc, "-", "-", "-", "-", problems);
            }
            if (!"0".equals(expected.get("DAEMON_EXIT"))) {
                problems.add("flowmond exited with " + expected.get("DAEMON_EXIT") + " on SIGTERM");
            }
            if ("auto".equals(variant)) {
                // auto-choice.sh: the choice only (KernelMatrixJarTest judges it against the fentry cell).
                return new Row(kernel, variant, attached, tc, "-", "-", "-", "-", problems);
            }
            String foreign = foreignFilters();
            String events = events();
            String flows = flows();
            return new Row(kernel, variant, attached, tc + foreign, events, flows, owners, mtbs(), problems);
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the scenario's results: " + e);
            return new Row(kernel, variant, "-", "-", "-", "-", "-", "-", problems);
        }
    }

    /**
     * Another tool's tc filters on the counted hook (e2e-scenario.sh foreign_filters): its drop of
     * IPv6 stands (no ping answered), flowmond counted every echo request and every echo reply that
     * reached its hooks (the replies before that drop), and after flowmond stopped the foreign
     * filters are exactly as before it started.
     */
    private String foreignFilters() throws IOException {
        if (!expected.containsKey("FOREIGN_PINGS_SENT")) {
            problems.add("the scenario set up no foreign filters");
            return "";
        }
        int before = problems.size();
        long sent = Long.parseLong(expected.get("FOREIGN_PINGS_SENT"));
        if (!"0".equals(expected.get("FOREIGN_PINGS_RECEIVED"))) {
            problems.add("the foreign drop filter did not stand: " + expected.get("FOREIGN_PINGS_RECEIVED") + " of "
                    + sent + " IPv6 pings answered");
        }
        String filtersBefore = read("foreign-before.txt");
        String filtersAfter = read("foreign-after.txt");
        if (!filtersBefore.contains("pref 7") || !filtersBefore.contains("pref 9") || !filtersBefore.equals(filtersAfter)) {
            problems.add("the foreign filters changed:\nbefore flowmond:\n" + filtersBefore + "after flowmond:\n" + filtersAfter);
        }
        java.net.InetAddress there = java.net.InetAddress.getByName(expected.get("FOREIGN_DST"));
        long requests = icmpv6("IPV6_DST_ADDR", 128, there);
        long replies = icmpv6("IPV6_SRC_ADDR", 129, there);
        if (requests != sent || replies != sent) {
            problems.add("flowmond counted " + requests + " echo requests and " + replies + " echo replies of " + sent
                    + " IPv6 pings (the replies reach its ingress hook before the foreign drop)");
        }
        return problems.size() == before ? ", foreign filters kept" : ", foreign filters FAIL";
    }

    /** Packets of ICMPv6 type {@code type} with {@code field} (source or destination address) = {@code address}, summed over flowmond's JSON records. */
    private long icmpv6(String field, int type, java.net.InetAddress address) throws IOException {
        Pattern addr = Pattern.compile("\"" + field + "\":\"([^\"]+)\"");
        Pattern packets = Pattern.compile("\"IN_PKTS\":(\\d+)");
        long sum = 0;
        for (String line : read("flows.json").split("\n")) {
            Matcher a = addr.matcher(line);
            Matcher n = packets.matcher(line);
            if (line.contains("\"PROTOCOL\":58,") && line.contains("\"L4_SRC_PORT\":" + type + ",") && a.find()
                    && java.net.InetAddress.getByName(a.group(1)).equals(address) && n.find()) {
                sum += Long.parseLong(n.group(1));
            }
        }
        return sum;
    }

    private void readExpected() throws IOException {
        Path env = dir.resolve("expected.env");
        if (!Files.exists(env)) {
            return;
        }
        for (String word : Files.readString(env).split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                expected.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
    }

    private String attachedAs() throws IOException {
        Matcher m = Pattern.compile("syscall probes attached as (\\w+)").matcher(read("daemon.log"));
        if (!m.find()) {
            problems.add("flowmond did not attach its syscall probes: " + lastLines("daemon.log", 2));
            return "not attached";
        }
        String as = m.group(1);
        if (!"auto".equals(variant) && !as.equals(variant)) {
            problems.add("forced " + variant + " but attached as " + as);
        }
        return as;
    }

    /**
     * The TC attach path the daemon logged (tc-attach = auto): TCX on kernels from 6.6, where TCX
     * exists (CONFIG_NET_XGRESS), classic tc filters before.
     */
    private String tcAttach() throws IOException {
        Matcher m = Pattern.compile("attaching through (TCX links|classic tc filters)").matcher(read("daemon.log"));
        if (!m.find()) {
            problems.add("flowmond did not log its TC attach path: " + lastLines("daemon.log", 2));
            return "-";
        }
        String path = m.group(1).startsWith("TCX") ? "tcx" : "tc";
        Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernel);
        if (v.find()) {
            int major = Integer.parseInt(v.group(1));
            int minor = Integer.parseInt(v.group(2));
            String want = major > 6 || (major == 6 && minor >= 6) ? "tcx" : "tc";
            if (!path.equals(want)) {
                problems.add("TC attached through " + path + ", want " + want + " on " + kernel);
            }
        }
        return path;
    }

    /** The seed tables: each expected process with its exact number of calls. */
    private String events() throws IOException {
        String tables = read("tables.txt");
        int splitAt = tables.indexOf("LPORT");
        String connect = splitAt < 0 ? tables : tables.substring(0, splitAt);
        String accept = splitAt < 0 ? "" : tables.substring(splitAt);
        int c = calls(connect, "TRANSFER_CLIENT_PID", "bash", TRANSFER_PORT, 1)
                + calls(connect, "REPEAT_CLIENT_PID", "bash", REPEAT_PORT, 5);
        int a = calls(accept, "TRANSFER_SERVER_PID", "busybox", TRANSFER_PORT, 1)
                + calls(accept, "REPEAT_SERVER_PID", "busybox", REPEAT_PORT, 5);
        return "connect " + c + "/6, accept " + a + "/6";
    }

    /** Calls counted in the table row of this process and port, checked against {@code want}. */
    private int calls(String table, String pidKey, String comm, int port, int want) {
        String[] row = tableRow(table, expected.get(pidKey), port);
        if (row == null) {
            problems.add("no table row for " + pidKey + "=" + expected.get(pidKey) + " port " + port);
            return 0;
        }
        int count = Integer.parseInt(row[6]);
        if (count != want || !row[1].equals(comm)) {
            problems.add("table row " + String.join(" ", row) + ": want " + comm + " with " + want + " calls");
        }
        return count;
    }

    private static String[] tableRow(String table, String pid, int port) {
        for (String line : table.split("\n")) {
            String[] c = line.split("\t");
            if (c.length >= 8 && c[0].equals(pid) && c[5].equals(Integer.toString(port))) {
                return c;
            }
        }
        return null;
    }

    private String mtbs() throws IOException {
        String[] row = tableRow(read("tables.txt"), expected.get("REPEAT_CLIENT_PID"), REPEAT_PORT);
        if (row == null || row[7].equals("-")) {
            problems.add("no MTBS for the repeated connects");
            return "-";
        }
        double mtbs = Double.parseDouble(row[7]);
        if (mtbs < MIN_REPEAT_MTBS) {
            problems.add("MTBS " + mtbs + " s < the scenario's " + MIN_REPEAT_MTBS + " s spacing");
        }
        return String.format("%.3f s (5 connects)", mtbs);
    }

    /**
     * Every direction of the scenario's traffic in the veth capture must be exported with the same
     * packets and IP bytes (tshark and nfdump both), and each record must name the right process on
     * each side; the records of the ownership traffic are judged further by {@link OwnerCheck}.
     */
    private String flows() throws IOException {
        Map<String, long[]> truth = truth();
        List<Map<String, String>> records = IpfixCapture.records(dir.resolve("ipfix.pcap"), IPFIX_PORT);
        Map<String, long[]> exported = new HashMap<>();
        Map<ScenarioService, List<Map<String, String>>> byService = new HashMap<>();
        int attributed = 0;
        for (Map<String, String> r : records) {
            ScenarioService service = ScenarioService.of(r);
            if (service == null) {
                continue;   // options records, syscall records, the guest's own ICMP/IGMP chatter
            }
            byService.computeIfAbsent(service, k -> new ArrayList<>()).add(r);
            String ports = r.get("cflow.srcport") + ">" + r.get("cflow.dstport");
            long[] v = exported.computeIfAbsent(ports, k -> new long[2]);
            v[0] += Long.parseLong(r.get("cflow.packets"));
            v[1] += Long.parseLong(r.getOrDefault("cflow.octets", "0"));
            String mismatch = processMismatch(r, service);
            if (mismatch == null) {
                attributed++;
            } else {
                problems.add(mismatch);
            }
        }
        int countsRight = 0;
        for (Map.Entry<String, long[]> t : truth.entrySet()) {
            long[] got = exported.getOrDefault(t.getKey(), new long[2]);
            if (got[0] == t.getValue()[0] && got[1] == t.getValue()[1]) {
                countsRight++;
            } else {
                problems.add("ports " + t.getKey() + ": captured " + t.getValue()[0] + " pkts/" + t.getValue()[1]
                        + " B, IPFIX says " + got[0] + "/" + got[1]);
            }
        }
        if (truth.size() != ScenarioService.DIRECTIONS) {
            problems.add("the capture shows " + truth.size() + " directions, want " + ScenarioService.DIRECTIONS);
        }
        String ipfixProblems = IpfixCapture.problems(dir.resolve("ipfix.pcap"), IPFIX_PORT);
        if (!ipfixProblems.isEmpty()) {
            problems.add("tshark flags the export: " + ipfixProblems);
        }
        int scenarioRecords = byService.values().stream().mapToInt(List::size).sum();
        owners = new OwnerCheck(byService, r -> processMismatch(r, ScenarioService.of(r)) == null, startupScan(),
                read("daemon.log"), read("flows.json"), problems).column();
        return "counts " + countsRight + "/" + truth.size() + ", PID+name " + attributed + "/" + scenarioRecords
                + ", nfdump " + nfdumpAgrees(truth) + ", " + HealthCheck.check(expected, read("flows.json"), dir.resolve("health.pcap"), problems);
    }

    /**
     * Packets and IP bytes per direction of the veth capture (the scenario's traffic only); of the
     * connection opened before flowmond, only what came after its pause: flowmond never saw the rest.
     */
    private Map<String, long[]> truth() {
        double resumed = Double.parseDouble(expected.getOrDefault("EXISTING_RESUMED_AT", "0"));
        Map<String, long[]> counts = new HashMap<>();
        for (IpfixCapture.Packet p : IpfixCapture.packets(dir.resolve("traffic.pcap"))) {
            if (ScenarioService.EXISTING.matches(p.ports(), p.protocol()) && p.epochSeconds() < resumed) {
                continue;
            }
            long[] v = counts.computeIfAbsent(p.ports(), k -> new long[2]);
            v[0]++;
            v[1] += p.ipLength();
        }
        return counts;
    }

    /**
     * Whether this kernel runs the start-up scan of existing sockets (the iterator needs
     * bpf_sock_from_file, Linux 5.11); before, the connection opened before flowmond has no owner.
     */
    private boolean startupScan() {
        return KernelMatrixJarTest.compareVersions(kernel, OwnerCheck.SCAN_KERNEL) >= 0;
    }

    /**
     * Null when the record names the scenario's processes (client here, server there, by port and
     * direction), else the problem. The connection opened before flowmond has no owner on kernels
     * without the start-up scan: PID 0 and no names, as flowmond exports an unknown process.
     */
    private String processMismatch(Map<String, String> r, ScenarioService service) {
        boolean toServer = r.get("cflow.dstport").equals(Integer.toString(service.port()));
        boolean owned = service != ScenarioService.EXISTING || startupScan();
        String client = owned ? expected.get(service.key() + "_CLIENT_PID") : "0";
        String server = owned ? expected.get(service.key() + "_SERVER_PID") : "0";
        String clientName = owned ? service.clientName() : "";
        String serverName = owned ? service.serverName() : "";
        String wantSrcPid = toServer ? client : server;
        String wantDstPid = toServer ? server : client;
        String wantSrcName = toServer ? clientName : serverName;
        String wantDstName = toServer ? serverName : clientName;
        boolean right = String.valueOf(wantSrcPid).equals(r.get("cflow.pie.ntop.src_proc_id"))
                && wantSrcName.equals(r.get("cflow.pie.ntop.src_proc_name"))
                && String.valueOf(wantDstPid).equals(r.get("cflow.pie.ntop.dst_proc_pid"))
                && wantDstName.equals(r.get("cflow.pie.ntop.dst_proc_name"));
        return right ? null : "ports " + r.get("cflow.srcport") + ">" + r.get("cflow.dstport") + ": processes "
                + r.get("cflow.pie.ntop.src_proc_id") + "/" + r.get("cflow.pie.ntop.src_proc_name") + " -> "
                + r.get("cflow.pie.ntop.dst_proc_pid") + "/" + r.get("cflow.pie.ntop.dst_proc_name") + ", want "
                + wantSrcPid + "/" + wantSrcName + " -> " + wantDstPid + "/" + wantDstName;
    }

    /** nfdump (fed live by nfcapd in the guest) must show the same packets and bytes per direction. */
    private String nfdumpAgrees(Map<String, long[]> truth) {
        String out = Tools.run("nfdump", "-q", "-N", "-R", dir.resolve("nfcapd").toString(), "-A", "srcport,dstport",
                "-o", "fmt:%sp;%dp;%pkt;%byt");
        Map<String, long[]> seen = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] c = line.strip().split("\\s*;\\s*");
            if (c.length == 4) {
                seen.put(c[0] + ">" + c[1], new long[] {Long.parseLong(c[2]), Long.parseLong(c[3])});
            }
        }
        int right = 0;
        for (Map.Entry<String, long[]> t : truth.entrySet()) {
            long[] got = seen.get(t.getKey());
            if (got != null && got[0] == t.getValue()[0] && got[1] == t.getValue()[1]) {
                right++;
            } else {
                problems.add("nfdump, ports " + t.getKey() + ": " + (got == null ? "no flow" : got[0] + "/" + got[1])
                        + ", captured " + t.getValue()[0] + "/" + t.getValue()[1]);
            }
        }
        return right + "/" + truth.size();
    }

    private String read(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private String lastLines(String name, int n) throws IOException {
        String[] lines = read(name).split("\n");
        return String.join(" / ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
    }
}
