package org.flowmond.daemon.vm;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flowmond.daemon.e2e.JsonRecords;
import org.flowmond.testing.Tools;

/**
 * Judges the TCP health of the guest scenario's impaired upload (packaging/vm/guest/tcp-health-traffic.sh)
 * in flowmond's JSON records against what the scenario set and the guest counted and captured:
 * <ul>
 *   <li>the handshake (SYN → SYN-ACK at the client's veth) is at least the netem delay (netem adds
 *       exactly the delay, nothing answers sooner) and equals the capture of that veth's within half
 *       the delay: a wrong pair of packets (SYN-ACK → ACK, or a data round trip) is a whole delay off,
 *       while the emulated guest's own slowness shows in both the hook and the capture;</li>
 *   <li>nProbe's SERVER_NW_LATENCY_MS is half of it;</li>
 *   <li>the client's retransmissions equal the guest's RetransSegs delta;</li>
 *   <li>the client socket's smoothed RTT is at least the delay; the client's PID is right.</li>
 * </ul>
 */
final class HealthCheck {
    /**
     * How far the hook's handshake may be from the capture's, as a share of the netem delay. The TC hook
     * runs before the client veth's qdisc and the capture tap after it: under emulation 0.1-0.6 ms apart
     * on a quiet host, 4.9 ms on a loaded CI host (37.7 against 32.8 ms for a 20 ms delay). A wrong pair
     * of packets would be off by a whole delay. The gap grows when the host deschedules the guest between
     * the two, so the matrix runs at most one guest per host core ({@link MatrixGuests#parallelGuests}):
     * two guests at once beside other engineers' tests (load average 4-14) measured 0.2-2.7 ms (22 cells).
     */
    static final double CAPTURE_TOLERANCE_OF_DELAY = 0.5;
    /** The coarsest kernel timer tick (HZ=100): how early a jiffies timeout may end in real time. */
    private static final long SYN_TIMER_TICK_MICROS = 10_000;

    private HealthCheck() {
    }

    /** One word for the matrix ("health ok ..." / "health FAIL"); each mismatch is added to {@code problems}. */
    static String check(Map<String, String> expected, String flowsJson, Path capture, List<String> problems) {
        if (!expected.containsKey("HEALTH_RETRANS")) {
            problems.add("the netem upload did not run (no HEALTH_RETRANS in expected.env)");
            return "health -";
        }
        int before = problems.size();
        String port = expected.get("HEALTH_PORT");
        List<Map<String, String>> records = flowsJson.lines().map(JsonRecords::fields)
                .filter(r -> "biflow".equals(r.get("FLOWMON_RECORD")) && "6".equals(r.get("PROTOCOL"))
                        && port.equals(r.get("L4_DST_PORT")))
                .toList();
        if (records.size() != 1) {
            problems.add("health: " + records.size() + " biflow records to port " + port + ", want 1");
            return "health FAIL";
        }
        Map<String, String> r = records.get(0);
        long delay = Long.parseLong(expected.get("HEALTH_DELAY_MS")) * 1000;
        long server = number(r, "FLOWMON_SERVER_HANDSHAKE_US");
        long captured = capturedHandshakeMicros(capture);
        if (!"0".equals(expected.getOrDefault("HEALTH_SYN_RETRANS", "0"))) {
            // netem's loss took the first SYN after flowmond's egress hook saw it: the handshake runs, as
            // ntop measures it, from that first SYN, so it holds one SYN timeout (1 s) and the delay. That
            // second counts in jiffies from when tcp_connect armed the timer, before the hook stamped the
            // SYN, so in real time it may end up to one tick short (10 ms at HZ=100; 5.10 under TCG
            // measured 1,014,830 µs with the 20 ms delay)
            if (server < 1_000_000 + delay - SYN_TIMER_TICK_MICROS) {
                problems.add("health: the SYN was retransmitted, yet SYN → SYN-ACK is only " + server + " µs");
            }
        } else {
            if (Math.abs(server - captured) > delay * CAPTURE_TOLERANCE_OF_DELAY) {
                problems.add("health: SYN → SYN-ACK " + server + " µs, the veth's capture shows " + captured + " µs");
            }
            if (server < delay) {
                problems.add("health: SYN → SYN-ACK " + server + " µs, below the netem delay of " + delay + " µs");
            }
        }
        double half = Double.parseDouble(r.getOrDefault("SERVER_NW_LATENCY_MS", "-1"));
        if (Math.abs(half * 1000 - server / 2.0) > 1) {
            problems.add("health: SERVER_NW_LATENCY_MS " + half + " is not half of " + server + " µs");
        }
        long retrans = number(r, "RETRANSMITTED_IN_PKTS");
        if (retrans != Long.parseLong(expected.get("HEALTH_RETRANS"))) {
            problems.add("health: RETRANSMITTED_IN_PKTS " + retrans + ", the guest kernel's RetransSegs delta "
                    + expected.get("HEALTH_RETRANS"));
        }
        long rtt = number(r, "FLOWMON_RTT_MEAN_US");
        if (rtt < delay) {
            problems.add("health: the client socket's mean RTT " + rtt + " µs is below the netem delay " + delay + " µs");
        }
        if (!expected.get("HEALTH_CLIENT_PID").equals(r.get("SRC_PROC_PID"))) {
            problems.add("health: client PID " + r.get("SRC_PROC_PID") + ", want " + expected.get("HEALTH_CLIENT_PID"));
        }
        return problems.size() == before
                ? "health ok (handshake " + server + " µs, captured " + captured + " µs, " + retrans + " retx)"
                : "health FAIL";
    }

    /** The first SYN → the first SYN-ACK in the capture of the client's veth, µs (-1 if either is missing). */
    static long capturedHandshakeMicros(Path pcap) {
        String out = Tools.run("tshark", "-r", pcap.toString(), "-Y", "tcp.flags.syn == 1", "-T", "fields",
                "-e", "tcp.flags.ack", "-e", "frame.time_epoch");
        BigDecimal syn = null;
        BigDecimal synAck = null;
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\t");
            if (f.length != 2) {
                continue;
            }
            boolean ack = f[0].equals("1") || f[0].equalsIgnoreCase("true");
            BigDecimal t = new BigDecimal(f[1]);
            if (!ack && syn == null) {
                syn = t;
            } else if (ack && synAck == null) {
                synAck = t;
            }
        }
        return syn == null || synAck == null ? -1 : synAck.subtract(syn).movePointRight(6).longValue();
    }

    private static long number(Map<String, String> r, String field) {
        return Long.parseLong(r.getOrDefault(field, "-1"));
    }
}
