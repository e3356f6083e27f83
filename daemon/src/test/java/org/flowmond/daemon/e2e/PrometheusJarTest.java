package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.daemon.metrics.Scrape;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Nfcapd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * flowmond's Prometheus endpoint read by a real Prometheus server (Debian's prometheus 2.42): the
 * jar runs in network namespace A of a veth pair with {@code metrics.listen} on A's loopback, a
 * Prometheus of our own (generated configuration, temporary TSDB, the example alert rules loaded)
 * scrapes it every second from A, and known traffic crosses the veth: three TCP connections from
 * a client in A to a server in B on port 7301, each closed with FIN, plus one held open. The test
 * then asks Prometheus' HTTP API ({@code /api/v1/query}) for the values it stored, and
 * {@code promtool check metrics} checks one scrape of the endpoint.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusJarTest {
    private static final Path JAR = Path.of("target", "flowmond.jar").toAbsolutePath();
    private static final Path RULES = Path.of("..", "packaging", "flowmond-alerts.yml").toAbsolutePath();
    /** GET argv[1] (with Accept argv[2]) inside the namespace it runs in; prints the body. */
    private static final String GET = "import sys, urllib.request as u\n"
            + "r = u.Request(sys.argv[1], headers={'Accept': sys.argv[2]})\n"
            + "sys.stdout.write(u.urlopen(r, timeout=10).read().decode())\n";
    /** GET argv[1] from Prometheus' query API; prints one line per result: labels as JSON, a tab, the value. */
    private static final String QUERY = "import sys, json, urllib.request as u, urllib.parse as p\n"
            + "d = json.load(u.urlopen(sys.argv[1] + '/api/v1/query?' + p.urlencode({'query': sys.argv[2]}), timeout=10))\n"
            + "assert d['status'] == 'success', d\n"
            + "for r in d['data']['result']:\n"
            + "    print(json.dumps(r['metric'], sort_keys=True) + '\\t' + r['value'][1])\n";

    private Path dir;
    private VethPair veth;
    private Nfcapd nfcapd;
    private ChildProcess daemon;
    private ChildProcess prometheus;
    private final List<ChildProcess> children = new ArrayList<>();
    private String metricsAddress;
    private String prometheusUrl;

    @BeforeAll
    void runTheDaemonUnderPrometheus() throws Exception {
        Privileges.requireRoot();
        for (String tool : new String[] {"prometheus", "promtool", "python3", "nfcapd"}) {
            Privileges.requireTool(tool);
        }
        dir = Files.createTempDirectory("flowmond-prometheus");
        veth = VethPair.create("fmp");
        nfcapd = Nfcapd.start(dir, veth.nsA);
        // ports chosen in this namespace are as free in A's fresh one
        metricsAddress = "127.0.0.1:" + Scrape.freePort();
        prometheusUrl = "http://127.0.0.1:" + Scrape.freePort();
        Path conf = dir.resolve("flowmon.conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = [%s]
                  filter.ports = [7301]
                  flows { idle-timeout = 2s, fin-linger = 1s }
                  probes { tc-scan-interval = 200ms }
                  export.collectors = [{ host = "127.0.0.1", port = %d }]
                  metrics.listen = "%s"
                }
                """.formatted(veth.ifA, nfcapd.port, metricsAddress));
        daemon = ChildProcess.command(dir.resolve("daemon.log"), List.of("ip", "netns", "exec", veth.nsA,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "--config", conf.toString()));
        daemon.awaitOutput("running with");

        Path promConf = dir.resolve("prometheus.yml");
        Files.writeString(promConf, """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: flowmond
                    static_configs: [{ targets: ["%s"] }]
                """.formatted(RULES, metricsAddress));
        prometheus = ChildProcess.command(dir.resolve("prometheus.log"), List.of("ip", "netns", "exec", veth.nsA, "prometheus",
                "--config.file=" + promConf, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=" + prometheusUrl.substring("http://".length())));
        prometheus.awaitOutput("Server is ready to receive web requests");

        ChildProcess server = peer("server", veth.nsB, "serve", "fm-prom-srv", "7301", "4", "3000");
        server.awaitOutput("ready");
        ChildProcess client = peer("client", veth.nsA, "tcp", "fm-prom-cli", veth.ipv4B, "7301", "3", "100", "1000", "fin");
        assertEquals(0, client.awaitExit(), client.output());
        ChildProcess held = peer("held", veth.nsA, "tcp", "fm-prom-hold", veth.ipv4B, "7301", "1", "0", "1000", "hold");
        held.awaitOutput("holding");
        // idle and linger pass, the three closed flows are exported, Prometheus scrapes the result
        awaitValue("flowmond_flow_records_exported_total", "3");
    }

    private ChildProcess peer(String name, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(name + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    /** One line per series the query returns: {"label": "value", ...}&lt;TAB&gt;value. */
    private List<String> query(String promql) {
        String out = VethPair.exec(veth.nsA, "python3", "-c", QUERY, prometheusUrl, promql).strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** The value of a query that returns one series without labels left (the test's own label set aside). */
    private String value(String promql) {
        List<String> rows = query(promql);
        assertEquals(1, rows.size(), promql + ": " + rows);
        return rows.get(0).substring(rows.get(0).indexOf('\t') + 1);
    }

    /** Waits (for the exporter and two scrapes, up to 60 s) until Prometheus stores {@code expected}. */
    private void awaitValue(String promql, String expected) throws Exception {
        List<String> last = List.of();
        for (int i = 0; i < 120; i++) {
            last = query(promql);
            if (last.size() == 1 && last.get(0).endsWith("\t" + expected)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500); // waiting for scrapes, not a timed assertion
        }
        throw new AssertionError(promql + " never became " + expected + " (last " + last + ")\n" + daemon.output());
    }

    private String scrape() {
        return VethPair.exec(veth.nsA, "python3", "-c", GET, "http://" + metricsAddress + "/metrics", "text/plain;version=0.0.4");
    }

    @Test
    void prometheusScrapesTheDaemonSuccessfully() {
        assertEquals("1", value("up{job=\"flowmond\"}"));
        assertTrue(Double.parseDouble(value("scrape_samples_scraped{job=\"flowmond\"}")) > 50, "flowmond_, process_ and jvm_ samples");
    }

    @Test
    void theCountersHoldWhatTheTestGenerated() {
        assertEquals("3", value("flowmond_flow_records_exported_total"));
        assertEquals("3", value("flowmond_flows_ended_total{reason=\"end-of-flow\"}"));
        assertEquals("0", value("sum(flowmond_flows_ended_total{reason!=\"end-of-flow\"})"));
        // connect and accept of each of the four connections
        assertEquals("8", value("flowmond_syscall_events_delivered_total"));
        assertEquals("8", value("flowmond_syscall_events_total"));
        // the kernel's socket owners name both processes of each of the three exported records
        assertEquals("3", value("flowmond_flow_records_by_owners_total{sides=\"both-sides\"}"));
        assertEquals("0", value("sum(flowmond_flow_records_by_owners_total{sides!=\"both-sides\"})"));
        // other packets on the veth (neighbour discovery) make flows of their own, filtered out by port
        assertEquals(1, query("flowmond_flows_active >= 1").size(), "the held connection is active");
        // seven of the pipeline, two of the syscall probes (one is the recursion misses), four of the
        // kernel's socket owners (three full maps, the recursion misses)
        assertEquals("13", value("count(flowmond_dropped_total)"), "the thirteen drop counters");
        assertEquals("0", value("sum(flowmond_dropped_total)"));
        assertEquals("1", value("flowmond_tc_interfaces"));
        assertEquals("0.2", value("flowmond_flow_cycle_interval_seconds"));
        String collector = "udp:127.0.0.1:" + nfcapd.port;
        assertEquals("1", value("flowmond_collector_connected{collector=\"" + collector + "\"}"));
        assertEquals("0", value("flowmond_collector_send_errors_total{collector=\"" + collector + "\"}"));
        assertEquals("0", value("flowmond_collector_unreachable_total{collector=\"" + collector + "\"}"));
        assertTrue(Double.parseDouble(value("flowmond_collector_messages_sent_total{collector=\"" + collector + "\"}")) >= 1);
    }

    @Test
    void buildInfoNamesTheVersionAndTheProbeVariantAttached() throws Exception {
        Matcher m = Pattern.compile("syscall probes attached as (\\w+)").matcher(daemon.output());
        assertTrue(m.find(), daemon.output());
        List<String> rows = query("flowmond_build_info");
        assertEquals(1, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("\"probe_variant\": \"" + m.group(1) + "\""), rows.toString());
        assertTrue(rows.get(0).matches(".*\"version\": \"[0-9][^\"]*\".*\t1"), rows.toString());
    }

    @Test
    void theCycleTimingsAndProcessMetricsAreStored() {
        assertEquals(3, query("flowmond_flow_cycle_part_seconds").size(), "scan, table-update, expire");
        assertEquals(3, query("flowmond_flow_cycle_part_max_seconds").size());
        assertEquals(1, query("process_resident_memory_bytes{job=\"flowmond\"} > 0").size());
        assertEquals(1, query("jvm_memory_used_bytes{job=\"flowmond\",area=\"heap\"} > 0").size());
    }

    @Test
    void noExampleAlertFiresOnAHealthyDaemon() {
        assertEquals(List.of(), query("ALERTS{alertname=~\"Flowmond.*\"}"));
        String rules = VethPair.exec(veth.nsA, "python3", "-c", GET, prometheusUrl + "/api/v1/rules", "application/json");
        for (String alert : new String[] {"FlowmondDown", "FlowmondDroppingData", "FlowmondCollectorFailing", "FlowmondFlowCycleSlow",
            "FlowmondInternalFailures"}) {
            assertTrue(rules.contains("\"name\":\"" + alert + "\""), alert + " not loaded: " + rules);
        }
    }

    @Test
    void promtoolFindsNoProblemInAScrape() throws Exception {
        Path scrape = dir.resolve("scrape.txt");
        Files.writeString(scrape, scrape());
        Tools.Result r = Tools.runUnchecked(List.of("sh", "-c", "promtool check metrics < " + scrape));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("", (r.stdout() + r.stderr()).strip(), "promtool check metrics reported problems");
    }

    @Test
    void everyStatisticOfTheRunningDaemonHasAFamilyOfItsOwn() {
        TreeSet<String> unmapped = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            if (line.startsWith("# HELP ") && line.contains("(no Prometheus mapping yet")) {
                unmapped.add(line.substring("# HELP ".length(), line.indexOf(' ', "# HELP ".length())));
            }
        }
        assertEquals(new TreeSet<>(), unmapped, "statistics exported under a generic name: give them a rule in metrics.StatisticNames");
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (ChildProcess c : children) {
            c.close();
        }
        if (daemon != null && daemon.process.isAlive()) {
            daemon.terminate(); // SIGTERM: the daemon detaches its programs itself
        }
        for (AutoCloseable c : new AutoCloseable[] {prometheus, daemon, nfcapd, veth}) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null && !Privileges.inCi()) {
            try (var files = Files.walk(dir)) { // kept in CI, where the logs explain a failure
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
