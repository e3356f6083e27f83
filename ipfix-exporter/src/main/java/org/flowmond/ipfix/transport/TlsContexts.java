package org.flowmond.ipfix.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.flowmond.ipfix.TlsFiles;

/**
 * The client side of IPFIX over TLS (RFC 7011 section 11): TLS 1.3 or 1.2 through the JDK's
 * provider, the exporter's certificate and key for mutual authentication, the collector's
 * certificate checked against the trusted CAs and its host name or address (RFC 6125, as HTTPS).
 */
public final class TlsContexts {
    /** RFC 7011 section 11.1 asks for TLS 1.2 or later; 1.3 is preferred when both sides have it. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * Reads the PEM files and builds the client context. Throws IllegalArgumentException naming the
     * file and what is wrong with it: used at configuration time, so a bad file stops the start.
     */
    public static SslContext client(TlsFiles files) {
        readable("certificate", files.certificate());
        readable("key", files.key());
        readable("CA", files.trustedCertificates());
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .keyManager(files.certificate().toFile(), files.key().toFile())
                    .trustManager(files.trustedCertificates().toFile())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS files (certificate " + files.certificate()
                    + ", key " + files.key() + " (PEM, PKCS#8), CA " + files.trustedCertificates() + "): "
                    + rootMessage(e), e);
        }
    }

    private static void readable(String what, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("the TLS " + what + " file " + file + " is not a readable file");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
