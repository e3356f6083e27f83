package org.flowmond.daemon.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ownership part of the guest scenario (packaging/vm/guest/owner-traffic.sh), from the IPFIX
 * records tshark decoded, the daemon's JSON output and its log: the UDP exchange names both
 * processes both ways; the connection that fell quiet for longer than the idle timeout was
 * exported twice per direction (idle timeout, then the talk after the pause), every record with
 * both processes; the connection opened before flowmond names both processes, found by the
 * start-up scan (attribution "existing"), or on kernels without the scan has no owner and the
 * log says why. Which records name the right processes is the caller's judgement ({@code right}).
 */
final class OwnerCheck {
    /** The start-up scan's iterator needs bpf_sock_from_file. */
    static final String SCAN_KERNEL = "5.11";
    /** SocketOwnership's line when the iterator does not load. */
    static final String NO_SCAN_LOG = "the start-up scan (a socket iterator: Linux 5.11+) does not load on this kernel";
    /** The pipeline's line after the start-up scan ran (never where it cannot). */
    static final String SEEDED_LOG = "sockets existed before start-up: their owners are recorded";
    /** IPFIX flowEndReason idle timeout. */
    private static final String IDLE_TIMEOUT = "1";

    private final Map<ScenarioService, List<Map<String, String>>> records;
    private final Predicate<Map<String, String>> right;
    private final boolean scan;
    private final String daemonLog;
    private final String json;
    private final List<String> problems;

    OwnerCheck(Map<ScenarioService, List<Map<String, String>>> records, Predicate<Map<String, String>> right,
            boolean scan, String daemonLog, String json, List<String> problems) {
        this.records = records;
        this.right = right;
        this.scan = scan;
        this.daemonLog = daemonLog;
        this.json = json;
        this.problems = problems;
    }

    /** The matrix cell, e.g. "UDP 2/2, idle 4/4 (2 after the pause), existing 2/2 (scan)"; problems are added. */
    String column() {
        return "UDP " + udp() + ", idle " + idle() + ", existing " + existing();
    }

    private String udp() {
        List<Map<String, String>> udp = of(ScenarioService.UDP);
        if (udp.size() != 2) {
            problems.add("UDP exchange: " + udp.size() + " records, want 2 (one datagram each way)");
        }
        return countRight(udp) + "/" + udp.size();
    }

    /** Per direction, in export order: the talk before the pause (ended by idle timeout), then the talk after it. */
    private String idle() {
        List<Map<String, String>> all = of(ScenarioService.IDLE);
        Map<String, List<Map<String, String>>> byDirection = new LinkedHashMap<>();
        all.forEach(r -> byDirection.computeIfAbsent(r.get("cflow.srcport") + ">" + r.get("cflow.dstport"),
                k -> new ArrayList<>()).add(r));
        int after = 0;
        for (Map.Entry<String, List<Map<String, String>>> d : byDirection.entrySet()) {
            List<Map<String, String>> talks = d.getValue();
            if (talks.size() != 2 || !IDLE_TIMEOUT.equals(talks.get(0).get("cflow.flow_end_reason"))) {
                problems.add("idle connection, ports " + d.getKey() + ": " + talks.size() + " records ending "
                        + talks.stream().map(r -> r.get("cflow.flow_end_reason")).toList()
                        + ", want 2: idle timeout (1), then the talk after the pause");
            } else if (right.test(talks.get(1))) {
                after++;
            }
        }
        if (byDirection.size() != 2) {
            problems.add("idle connection: records in " + byDirection.size() + " directions, want 2");
        }
        return countRight(all) + "/" + all.size() + " (" + after + " of 2 after the pause)";
    }

    /** With the scan: both processes, attribution "existing". Without: no owner, and the log says so. */
    private String existing() {
        List<Map<String, String>> existing = of(ScenarioService.EXISTING);
        if (existing.size() != 2) {
            problems.add("connection opened before flowmond: " + existing.size() + " records, want 2 (one each way)");
        }
        String want = scan ? "existing" : "none";
        List<String> methods = jsonAttributions(ScenarioService.EXISTING.port());
        if (methods.isEmpty() || methods.stream().anyMatch(m -> !m.equals(want))) {
            problems.add("connection opened before flowmond: JSON attributions " + methods + ", want " + want + " on both sides");
        }
        if (daemonLog.contains(NO_SCAN_LOG) == scan) {
            problems.add("the log " + (scan ? "says" : "does not say") + " '" + NO_SCAN_LOG + "' on a kernel "
                    + (scan ? "from " : "before ") + SCAN_KERNEL);
        }
        if (daemonLog.contains(SEEDED_LOG) != scan) {
            problems.add("the log " + (scan ? "does not say" : "says") + " '" + SEEDED_LOG + "' on a kernel "
                    + (scan ? "from " : "before ") + SCAN_KERNEL);
        }
        int rightCount = countRight(existing);
        return rightCount + "/" + existing.size() + (scan ? " (start-up scan)" : " without owner (no start-up scan before "
                + SCAN_KERNEL + ", logged)");
    }

    private List<Map<String, String>> of(ScenarioService s) {
        return records.getOrDefault(s, List.of());
    }

    /** Records naming the right processes; their mismatches are reported once, by the caller. */
    private int countRight(List<Map<String, String>> rs) {
        return (int) rs.stream().filter(right).count();
    }

    /** FLOWMON_SRC/DST_PROC_ATTRIBUTION of the JSON biflow records with this TCP port on either side. */
    private List<String> jsonAttributions(int port) {
        Pattern method = Pattern.compile("\"FLOWMON_(?:SRC|DST)_PROC_ATTRIBUTION\":\"(\\w+)\"");
        List<String> methods = new ArrayList<>();
        for (String line : json.split("\n")) {
            if (line.contains("\"PROTOCOL\":6,") && (line.contains("\"L4_SRC_PORT\":" + port + ",")
                    || line.contains("\"L4_DST_PORT\":" + port + ","))) {
                Matcher m = method.matcher(line);
                while (m.find()) {
                    methods.add(m.group(1));
                }
            }
        }
        return methods;
    }
}
