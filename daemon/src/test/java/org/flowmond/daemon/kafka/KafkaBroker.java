package org.flowmond.daemon.kafka;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker (Apache Kafka 3.9, {@code org.apache.kafka:kafka_2.13}, a test dependency)
 * in KRaft mode, one node as broker and controller, as a child JVM listening on 127.0.0.1 only.
 * Its log directory survives {@link #kill()}, so {@link #start()} again brings back the same
 * cluster with what it had acknowledged.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    public final int port;
    private final Path properties;
    private Process process;
    private int starts;

    private KafkaBroker(Path dir, int port, Path properties) {
        this.dir = dir;
        this.port = port;
        this.properties = properties;
    }

    /** Formats a new log directory under {@code dir} and starts the broker. */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        KafkaBroker b = create(dir);
        b.start();
        return b;
    }

    /** Formats a new log directory under {@code dir}; the broker is not started yet (its clients find nobody). */
    public static KafkaBroker create(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        int controller = freePort();
        Path data = Files.createDirectories(dir.resolve("kafka-data"));
        Path props = Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "num.network.threads=2",
                "num.io.threads=2",
                ""));
        KafkaBroker b = new KafkaBroker(dir, port, props);
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("kafka-format.log").toFile()).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka-storage format failed:\n" + Files.readString(dir.resolve("kafka-format.log")));
        }
        return b;
    }

    /** Starts (again) on the same ports and log directory; returns once the broker serves. */
    public void start() throws IOException, InterruptedException {
        Path log = dir.resolve("kafka-" + (++starts) + ".log");
        process = new ProcessBuilder(java("kafka.Kafka", properties.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
        for (int i = 0; i < 1200; i++) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (out.contains("Kafka Server started")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited (" + process.exitValue() + "):\n" + out);
            }
            TimeUnit.MILLISECONDS.sleep(100); // waiting for a child to serve, not a timed assertion
        }
        throw new IllegalStateException("the Kafka broker did not start within 120 s:\n" + Files.readString(log));
    }

    /** SIGKILL: a crashed broker, nothing flushed or handed over. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static List<String> java(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath(), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
