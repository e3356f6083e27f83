package org.flowmond.ipfix.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.ChildProcess;

/**
 * socat as an IPFIX-over-TCP collector: it accepts one connection on loopback and writes the
 * stream to a file. A TCP stream of IPFIX messages is exactly an IPFIX file (RFC 5655), so
 * {@code ipfixDump} decodes what arrived. With TLS, socat terminates it (mutual authentication,
 * {@code verify=1}) and writes the clear stream.
 */
final class SocatCollector implements AutoCloseable {
    private final ChildProcess socat;
    final Path file;

    private SocatCollector(ChildProcess socat, Path file) {
        this.socat = socat;
        this.file = file;
    }

    /** Listens on 127.0.0.1:{@code port} for one TCP connection; returns once socat listens. */
    static SocatCollector tcp(int port, Path file, Path log) throws Exception {
        return start("TCP-LISTEN:" + port + ",reuseaddr,bind=127.0.0.1", file, log);
    }

    /** As {@link #tcp}, terminating TLS with the collector's certificate and requiring one signed by {@code ca}. */
    static SocatCollector tls(int port, Path file, Path log, TestCertificates certs) throws Exception {
        return start("OPENSSL-LISTEN:" + port + ",reuseaddr,bind=127.0.0.1,cert=" + certs.collectorCertificate
                + ",key=" + certs.collectorKey + ",cafile=" + certs.ca + ",verify=1", file, log);
    }

    private static SocatCollector start(String listen, Path file, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("socat", "-d", "-d", "-u", listen,
                "OPEN:" + file + ",creat,trunc"));
        ChildProcess p = ChildProcess.command(log, cmd);
        p.awaitOutput("listening on", Duration.ofSeconds(10));
        return new SocatCollector(p, file);
    }

    /** Whether a connection was accepted (socat logs it). */
    boolean accepted() throws Exception {
        return socat.output().contains("accepting connection");
    }

    String log() throws Exception {
        return socat.output();
    }

    /** Stops the collector now (SIGTERM), as an operator restarting it would. */
    void stop() throws Exception {
        socat.terminate(Duration.ofSeconds(10));
    }

    /** Waits for socat to finish by itself (the exporter closed the connection). */
    void awaitEnd() throws Exception {
        socat.awaitExit(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        socat.close();
    }
}
