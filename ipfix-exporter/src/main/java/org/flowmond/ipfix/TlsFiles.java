package org.flowmond.ipfix;

import java.nio.file.Path;
import java.util.Objects;

/**
 * PEM files for IPFIX over TLS with mutual authentication (RFC 7011 section 11.3): the exporter
 * presents {@code certificate} (with its chain) and proves it owns {@code key}; it accepts a
 * collector whose certificate chains to one of {@code trustedCertificates} and names the
 * collector's host (subjectAltName DNS or IP).
 *
 * @param certificate         X.509 certificate chain, PEM, the exporter's own first
 * @param key                 the certificate's private key, PEM, PKCS#8 ("BEGIN PRIVATE KEY", as
 *                            {@code openssl genpkey} writes it), unencrypted
 * @param trustedCertificates CA certificates, PEM, that collectors' certificates must chain to
 */
public record TlsFiles(Path certificate, Path key, Path trustedCertificates) {
    public TlsFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    }
}
