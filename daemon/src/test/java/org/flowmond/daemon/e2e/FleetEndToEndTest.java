package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.daemon.kafka.KafkaBroker;
import org.flowmond.daemon.kafka.TopicReader;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A fleet on one machine: three "hosts" (network namespaces, each with its own flowmond, its own
 * identity, its own veth and its own client and server processes of known PID) → one collector
 * tier (pmacct's nfacctd with its Kafka plugin) → one real Kafka broker (KRaft, started from
 * Kafka's Maven Central artifacts, 127.0.0.1 only) → the Kafka consumer here.
 *
 * <pre>
 * round 1: 4 TCP connections per host     (a) IPFIX → nfacctd → topic fleet-ipfix
 *                                          (b) flowmond's Kafka output → topic fleet-flows
 *          every flow of every host once on both topics, with its PIDs, its host's identity
 *          (NPROBE_INSTANCE_NAME and FLOWMON_MACHINE_ID in (b); the observation domain derived
 *          from the machine id in (a)) and the same counters on both paths
 * round 2: 40 connections per host, 700 ms apart; the broker is killed (SIGKILL) 3 s in and
 *          started again 20 s later
 *      (c) on fleet-flows every round-2 flow once; per host, the records read = what its daemon
 *          counted delivered, delivered + counted undeliverable = produced, nothing twice
 * </pre>
 * Each host reaches the broker and the collector at 127.0.0.1 of its own namespace through a
 * {@link NetnsRelay}; flowmond counts only its veth, not that loopback traffic. The syscall probes
 * see every namespace's connects, so each daemon also exports the other hosts' syscall flows: the
 * checks read biflows. {@code -Dflowmond.keep-test-files} keeps the logs and the broker's data.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetEndToEndTest {
    private static final int HOSTS = 3;
    private static final int ROUND1 = 4;
    private static final int ROUND2 = 40;
    private static final long ROUND2_GAP_MS = 700;
    private static final long PEN = 32473;
    private static final String FLOWS_TOPIC = "fleet-flows";
    private static final String IPFIX_TOPIC = "fleet-ipfix";
    private static final Pattern STOPPED = Pattern.compile("stopped; (.*)");

    /** One "host": its namespaces, identity, daemon and relays. */
    private static final class Host {
        final int n;
        final VethPair veth;
        final String name;
        final String machineId;
        final long domain;
        ChildProcess daemon;
        final Map<Integer, long[]> pids = new HashMap<>(); // server port → {client pid, server pid}
        Map<String, Long> finalCounters;

        Host(int n, VethPair veth) {
            this.n = n;
            this.veth = veth;
            this.name = "fleet-host-" + n;
            this.machineId = String.format("%08x", 0x5eed0000 + n) + "0123456789abcdef01234567";
            this.domain = 0x5eed0000L + n;
        }

        int port(int round) {
            return 7000 + 100 * round + n;
        }
    }

    private Path dir;
    private KafkaBroker broker;
    private NfacctdKafka collector;
    private final List<Host> hosts = new ArrayList<>();
    private final List<AutoCloseable> relays = new ArrayList<>();
    private final List<ChildProcess> children = new ArrayList<>();
    private List<Map<String, String>> round1Flows;
    private List<Map<String, String>> round1Ipfix;
    private List<TopicReader.Read> allFlows;
    private long outageStartMillis;
    private long outageEndMillis;
    private String collectorLog;

    @BeforeAll
    void runTheFleet() throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("nfacctd");
        dir = Files.createTempDirectory("flowmond-fleet");
        // the broker starts while the daemons do: their Kafka output and nfacctd's wait for it
        broker = KafkaBroker.create(Files.createDirectories(dir.resolve("broker")));
        collector = NfacctdKafka.start(dir, broker.port, IPFIX_TOPIC, PEN);
        for (int n = 1; n <= HOSTS; n++) {
            Host h = new Host(n, VethPair.create("fmf"));
            hosts.add(h);
            relays.add(NetnsRelay.tcp(h.veth.nsA, broker.port));
            relays.add(NetnsRelay.udp(h.veth.nsA, collector.port, collector.port));
            Path conf = Files.writeString(dir.resolve(h.name + ".conf"), """
                    flowmon {
                      interfaces = ["%s"]
                      flows { idle-timeout = 2s, active-timeout = 120s, fin-linger = 1s }
                      probes { tc-scan-interval = 200ms }
                      export {
                        collectors = [{ host = "127.0.0.1", port = %d }]
                        biflow = ntop
                        observation-domain-id = machine-id
                      }
                      outputs.kafka { bootstrap-servers = ["127.0.0.1:%d"], topic = %s }
                      identity { host-name = "%s", machine-id = "%s" }
                    }
                    """.formatted(h.veth.ifA, collector.port, broker.port, FLOWS_TOPIC, h.name, h.machineId));
            h.daemon = ChildProcess.java(dir.resolve(h.name + ".log"), h.veth.nsA, "org.flowmond.daemon.Flowmond",
                    "--config", conf.toString());
        }
        broker.start();
        for (Host h : hosts) {
            h.daemon.awaitOutput("running with");
        }

        // round 1: (a) and (b) side by side
        traffic(1, ROUND1, 100);
        round1Flows = biflows(TopicReader.readAll(broker.bootstrap(), FLOWS_TOPIC,
                r -> countRound(biflows(r), 1, "L4_DST_PORT") >= HOSTS * ROUND1, Duration.ofSeconds(3), Duration.ofSeconds(60)));
        round1Ipfix = TopicReader.readAll(broker.bootstrap(), IPFIX_TOPIC,
                r -> countRound(fields(r), 1, "port_dst") >= HOSTS * ROUND1, Duration.ofSeconds(3), Duration.ofSeconds(60))
                .stream().map(r -> TopicReader.fields(r.value())).toList();
        collectorLog = collector.log();

        // round 2 (c): the broker goes away for 20 s while every host keeps producing flows
        List<ChildProcess> clients = startTraffic(2, ROUND2, ROUND2_GAP_MS);
        TimeUnit.SECONDS.sleep(3);
        outageStartMillis = System.currentTimeMillis();
        broker.kill();
        TimeUnit.SECONDS.sleep(20);
        outageEndMillis = System.currentTimeMillis();
        broker.start();
        for (ChildProcess c : clients) {
            assertEquals(0, c.awaitExit(), c.output());
        }
        TimeUnit.SECONDS.sleep(4); // fin-linger and the scan interval: the last flows are exported
        for (Host h : hosts) {
            assertEquals(0, h.daemon.terminate(), h.daemon.output());
            h.finalCounters = stoppedCounters(h.daemon.output());
        }
        long expected = hosts.stream().mapToLong(h -> h.finalCounters.get("kafka.records-delivered")).sum();
        allFlows = TopicReader.readAll(broker.bootstrap(), FLOWS_TOPIC, r -> r.size() >= expected, Duration.ofSeconds(3),
                Duration.ofSeconds(60));
    }

    /** Each host: a server in its B namespace, a client in its A namespace (the host), COUNT connections. */
    private void traffic(int round, int count, long gapMs) throws Exception {
        for (ChildProcess c : startTraffic(round, count, gapMs)) {
            assertEquals(0, c.awaitExit(), c.output());
        }
    }

    private List<ChildProcess> startTraffic(int round, int count, long gapMs) throws Exception {
        List<ChildProcess> clients = new ArrayList<>();
        for (Host h : hosts) {
            int port = h.port(round);
            ChildProcess server = child(h.name + "-srv" + round, h.veth.nsB, "serve", "fl-srv-" + h.n, Integer.toString(port),
                    Integer.toString(count), "2000");
            server.awaitOutput("ready");
            ChildProcess client = child(h.name + "-cli" + round, h.veth.nsA, "tcp", "fl-cli-" + h.n, h.veth.ipv4B,
                    Integer.toString(port), Integer.toString(count), Long.toString(gapMs), "1000", "fin");
            h.pids.put(port, new long[] {client.pid(), server.pid()});
            clients.add(client);
        }
        return clients;
    }

    private ChildProcess child(String log, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(log + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    private static List<Map<String, String>> fields(List<TopicReader.Read> reads) {
        return reads.stream().map(r -> TopicReader.fields(r.value())).toList();
    }

    private static List<Map<String, String>> biflows(List<TopicReader.Read> reads) {
        return fields(reads).stream().filter(f -> "biflow".equals(f.get("FLOWMON_RECORD"))).toList();
    }

    private long countRound(List<Map<String, String>> records, int round, String portField) {
        Set<String> ports = new HashSet<>();
        for (Host h : hosts) {
            ports.add(Integer.toString(h.port(round)));
        }
        return records.stream().filter(f -> ports.contains(f.get(portField)) && !"0".equals(f.get("port_src"))).count();
    }

    private static Map<String, Long> stoppedCounters(String log) {
        Matcher m = STOPPED.matcher(log);
        assertTrue(m.find(), log);
        Map<String, Long> counters = new HashMap<>();
        for (String kv : m.group(1).trim().split(" ")) {
            String[] p = kv.split("=", 2);
            counters.put(p[0], Long.parseLong(p[1]));
        }
        return counters;
    }

    /** Round r's biflows of host h on the flowmond topic: to its server port and address. */
    private static List<Map<String, String>> ofHost(List<Map<String, String>> records, Host h, int round) {
        return records.stream().filter(f -> Integer.toString(h.port(round)).equals(f.get("L4_DST_PORT"))
                && h.veth.ipv4B.equals(f.get("IPV4_DST_ADDR"))).toList();
    }

    @Test
    void flowmondsKafkaOutputCarriesEveryFlowOnceWithItsProcessesAndItsHost() {
        for (Host h : hosts) {
            List<Map<String, String>> recs = ofHost(round1Flows, h, 1);
            assertEquals(ROUND1, recs.size(), h.name + ": " + recs);
            assertEquals(ROUND1, recs.stream().map(f -> f.get("L4_SRC_PORT")).distinct().count(), "distinct flows: " + recs);
            long[] pids = h.pids.get(h.port(1));
            for (Map<String, String> f : recs) {
                assertEquals(h.name, f.get("NPROBE_INSTANCE_NAME"), f.toString());
                assertEquals(h.machineId, f.get("FLOWMON_MACHINE_ID"), f.toString());
                assertEquals(h.veth.ipv4A, f.get("IPV4_SRC_ADDR"), f.toString());
                assertEquals(Long.toString(pids[0]), f.get("SRC_PROC_PID"), f.toString());
                assertEquals("fl-cli-" + h.n, f.get("SRC_PROC_NAME"), f.toString());
                assertEquals(Long.toString(pids[1]), f.get("DST_PROC_PID"), f.toString());
                assertEquals("fl-srv-" + h.n, f.get("DST_PROC_NAME"), f.toString());
                assertEquals("3", f.get("FLOW_END_REASON"), f.toString());
            }
        }
    }

    @Test
    void theIpfixPathThroughNfacctdCarriesEveryFlowOnceWithItsProcessesAndItsDomain() {
        for (Host h : hosts) {
            // biflow rows only: the syscall-flow rows (connect/accept counts) have no source port
            List<Map<String, String>> rows = round1Ipfix.stream().filter(f -> Integer.toString(h.port(1)).equals(f.get("port_dst"))
                    && h.veth.ipv4B.equals(f.get("ip_dst")) && !"0".equals(f.get("port_src"))).toList();
            assertEquals(ROUND1, rows.size(), h.name + ": " + rows + "; all rows read: " + round1Ipfix.size() + " "
                    + round1Ipfix.subList(0, Math.min(3, round1Ipfix.size())) + "\nnfacctd: " + collectorLog);
            long[] pids = h.pids.get(h.port(1));
            for (Map<String, String> r : rows) {
                assertEquals(Long.toString(h.domain), r.get("export_proto_sysid"), "domain from the machine id: " + r);
                assertEquals(Long.toString(pids[0]), r.get("srcpid"), r.toString());
                assertEquals("fl-cli-" + h.n, r.get("srcname"), r.toString());
                assertEquals(Long.toString(pids[1]), r.get("dstpid"), r.toString());
                assertEquals("fl-srv-" + h.n, r.get("dstname"), r.toString());
                // the same flow on the other path, with the same counters
                Map<String, String> json = ofHost(round1Flows, h, 1).stream()
                        .filter(f -> f.get("L4_SRC_PORT").equals(r.get("port_src"))).findFirst().orElse(null);
                assertNotNull(json, "flow " + r + " also on " + FLOWS_TOPIC);
                assertEquals(json.get("IN_PKTS"), r.get("packets"), r + " vs " + json);
                assertEquals(json.get("IN_BYTES"), r.get("bytes"), r + " vs " + json);
                assertEquals(json.get("OUT_PKTS"), r.get("outpkts"), r + " vs " + json);
                assertEquals(json.get("OUT_BYTES"), r.get("outbytes"), r + " vs " + json);
            }
        }
    }

    @Test
    void aBrokerOutageOfTwentySecondsLosesNothingThatFitsTheBufferAndDuplicatesNothing() {
        List<Map<String, String>> all = fields(allFlows);
        for (Host h : hosts) {
            Map<String, Long> c = h.finalCounters;
            long produced = c.get("kafka.records-produced");
            long delivered = c.get("kafka.records-delivered");
            long undeliverable = c.get("dropped.kafka-queue-full") + c.get("dropped.kafka-delivery");
            assertEquals(produced, delivered + undeliverable, h.name + ": " + c);
            assertEquals(0, undeliverable, h.name + ": the outage fits the buffer: " + c);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < allFlows.size(); i++) {
                if (h.name.equals(all.get(i).get("NPROBE_INSTANCE_NAME"))) {
                    mine.add(allFlows.get(i).value());
                }
            }
            assertEquals(delivered, mine.size(), h.name + ": records read = records the daemon counted delivered");
            assertEquals(mine.size(), new HashSet<>(mine).size(), h.name + ": no record twice");

            List<Map<String, String>> round2 = ofHost(biflows(allFlows), h, 2);
            assertEquals(ROUND2, round2.size(), h.name + ": every round-2 flow once");
            assertEquals(ROUND2, round2.stream().map(f -> f.get("L4_SRC_PORT")).distinct().count());
            long[] pids = h.pids.get(h.port(2));
            assertTrue(round2.stream().allMatch(f -> Long.toString(pids[0]).equals(f.get("SRC_PROC_PID"))
                    && Long.toString(pids[1]).equals(f.get("DST_PROC_PID"))), round2.toString());
            long duringOutage = round2.stream().map(f -> Long.parseLong(f.get("FLOW_END_MILLISECONDS")))
                    .filter(t -> t > outageStartMillis && t < outageEndMillis).count();
            assertTrue(duringOutage >= 20, h.name + ": flows that ended while the broker was down were held and delivered: "
                    + duringOutage);
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        children.forEach(ChildProcess::close);
        for (Host h : hosts) {
            if (h.daemon != null) {
                h.daemon.close();
            }
        }
        for (AutoCloseable r : relays) {
            r.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
        for (Host h : hosts) {
            h.veth.close();
        }
        if (dir != null && !Privileges.inCi() && System.getProperty("flowmond.keep-test-files") == null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
