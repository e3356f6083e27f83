package org.flowmond.ipfix.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.ipfix.TlsFiles;
import org.flowmond.testing.Tools;

/**
 * A throw-away PKI made with openssl for one test: a CA, the collector's certificate (for
 * IP 127.0.0.1) and the exporter's, both signed by the CA; P-256 keys, PKCS#8 PEM.
 */
public final class TestCertificates {
    public final Path ca;
    public final Path collectorCertificate;
    public final Path collectorKey;
    public final Path exporterCertificate;
    public final Path exporterKey;

    private TestCertificates(Path dir, String prefix) {
        this.ca = dir.resolve(prefix + "ca.pem");
        this.collectorCertificate = dir.resolve(prefix + "collector.pem");
        this.collectorKey = dir.resolve(prefix + "collector.key");
        this.exporterCertificate = dir.resolve(prefix + "exporter.pem");
        this.exporterKey = dir.resolve(prefix + "exporter.key");
    }

    /** Creates the CA and both certificates in {@code dir}, file names starting with {@code prefix}. */
    public static TestCertificates create(Path dir, String prefix) throws Exception {
        TestCertificates c = new TestCertificates(dir, prefix);
        Path caKey = dir.resolve(prefix + "ca.key");
        Tools.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", c.ca.toString(), "-subj", "/CN=" + prefix + "test CA", "-days", "2");
        c.sign("collector", "subjectAltName=IP:127.0.0.1", c.collectorKey, c.collectorCertificate, caKey);
        c.sign("exporter", "subjectAltName=DNS:exporter.test", c.exporterKey, c.exporterCertificate, caKey);
        return c;
    }

    private void sign(String name, String extension, Path key, Path certificate, Path caKey) throws Exception {
        Path csr = key.resolveSibling(key.getFileName() + ".csr");
        Path ext = key.resolveSibling(key.getFileName() + ".ext");
        Files.writeString(ext, extension + "\n");
        Tools.run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        Tools.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile", ext.toString());
    }

    /** The exporter's side: its certificate and key, and the CA to check the collector with. */
    public TlsFiles exporterFiles() {
        return new TlsFiles(exporterCertificate, exporterKey, ca);
    }
}
