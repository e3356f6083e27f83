package org.flowmond.daemon.vm;

import java.util.List;
import java.util.Map;

/**
 * One server of the guest's end-to-end scenario (packaging/vm/guest/e2e-scenario.sh): its port and
 * protocol there, the key of its PIDs in expected.env ({@code KEY_CLIENT_PID}, {@code KEY_SERVER_PID}),
 * the names of its client (here) and server (in the namespace), and how many connections it takes.
 */
record ScenarioService(int port, int protocol, String key, String clientName, String serverName, int connections) {
    static final ScenarioService TRANSFER = new ScenarioService(5001, 6, "TRANSFER", "bash", "busybox", 1);
    static final ScenarioService REPEAT = new ScenarioService(5002, 6, "REPEAT", "bash", "busybox", 5);
    static final ScenarioService UDP = new ScenarioService(5003, 17, "UDP", "bash", "socat", 1);
    static final ScenarioService IDLE = new ScenarioService(5004, 6, "IDLE", "bash", "busybox", 1);
    static final ScenarioService EXISTING = new ScenarioService(5005, 6, "EXISTING", "bash", "busybox", 1);
    static final List<ScenarioService> ALL = List.of(TRANSFER, REPEAT, UDP, IDLE, EXISTING);
    /** Directions the veth capture must show: two per connection (or UDP exchange). */
    static final int DIRECTIONS = ALL.stream().mapToInt(s -> 2 * s.connections()).sum();

    /** The service a flow record (tshark's fields) belongs to, or null (options, syscall records, other traffic). */
    static ScenarioService of(Map<String, String> record) {
        if (!record.containsKey("cflow.srcport") || !record.containsKey("cflow.packets")) {
            return null;
        }
        for (ScenarioService s : ALL) {
            String port = Integer.toString(s.port);
            if (Integer.toString(s.protocol).equals(record.get("cflow.protocol"))
                    && (port.equals(record.get("cflow.srcport")) || port.equals(record.get("cflow.dstport")))) {
                return s;
            }
        }
        return null;
    }

    /** Whether a packet with these ports ("srcport>dstport") and protocol belongs to this service. */
    boolean matches(String ports, int packetProtocol) {
        String[] p = ports.split(">");
        String mine = Integer.toString(port);
        return packetProtocol == protocol && (p[0].equals(mine) || p[1].equals(mine));
    }
}
