package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pmacct's nfacctd as the collector tier of a fleet: IPFIX in on 127.0.0.1, every record out to
 * a Kafka topic as JSON through its Kafka plugin (librdkafka), with ntop's process elements and
 * flowmond's elements decoded by the same primitives file as {@link FlowmondPrimitives}, and the
 * observation domain ({@code export_proto_sysid}) that tells the hosts apart. The configuration
 * written here is the one docs/fleet.md shows.
 */
public final class NfacctdKafka implements AutoCloseable {
    public final int port;
    private final Process process;
    private final Path log;

    private NfacctdKafka(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static NfacctdKafka start(Path dir, int brokerPort, String topic, long flowmondEnterprise)
            throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path primitives = dir.resolve("primitives.lst");
        String custom = FlowmondPrimitives.write(primitives, flowmondEnterprise);
        Path conf = Files.writeString(dir.resolve("nfacctd-kafka.conf"), String.join("\n",
                "daemonize: false",
                "nfacctd_ip: 127.0.0.1",
                "nfacctd_port: " + port,
                "aggregate_primitives: " + primitives,
                "plugins: kafka[k]",
                "aggregate[k]: export_proto_sysid, src_host, dst_host, src_port, dst_port, proto, " + custom,
                "kafka_output[k]: json",
                "kafka_broker_host[k]: 127.0.0.1",
                "kafka_broker_port[k]: " + brokerPort,
                "kafka_topic[k]: " + topic,
                "kafka_refresh_time[k]: 1",
                ""));
        Path log = dir.resolve("nfacctd-kafka.log");
        Process p = new ProcessBuilder("nfacctd", "-f", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        NfacctdKafka n = new NfacctdKafka(port, p, log);
        for (int i = 0; i < 300 && !Files.readString(log).contains("waiting for NetFlow/IPFIX data"); i++) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for a child to bind, not a timed assertion
        }
        return n;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGINT (nfacctd's clean stop: the plugin purges its cache to Kafka first). */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            org.flowmond.testing.Tools.runUnchecked(List.of("kill", "-INT", Long.toString(process.pid())));
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
