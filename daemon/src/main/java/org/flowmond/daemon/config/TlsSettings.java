package org.flowmond.daemon.config;

import java.nio.file.Path;

/**
 * {@code flowmon.export.tls.*}: the PEM files of IPFIX over TLS with mutual authentication, checked
 * at load time (readable, and usable together as a TLS client context).
 *
 * @param certificate {@code certificate}: flowmond's certificate chain
 * @param key         {@code key}: its private key, PKCS#8
 * @param ca          {@code ca}: the CA certificates collectors' certificates must chain to
 */
public record TlsSettings(Path certificate, Path key, Path ca) {
}
