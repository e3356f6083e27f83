package org.flowmond.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.TlsFiles;

/**
 * {@code flowmon.export.*}: IPFIX export.
 *
 * @param collectors              {@code collectors}: every collector receives every record; may be empty. Each
 *                                carries its transport and, for TCP/TLS, {@code collector-buffer} and the {@code tls} files
 * @param observationDomainId     {@code observation-domain-id}: 0 .. 2^32-1
 * @param mtu                     {@code mtu}: path MTU in bytes; UDP message size is this minus 28 (IPv4) / 48 (IPv6);
 *                                {@code auto}: {@link org.flowmond.ipfix.ExporterSettings#AUTO_MTU}
 * @param templateRefresh         {@code template-refresh}: template re-send period per UDP collector
 * @param templateRefreshMessages {@code template-refresh-messages}: also re-send after this many messages; 0 = off
 * @param enterpriseId            {@code enterprise-id}: PEN of flowmond's own elements
 * @param biflow                  {@code biflow}
 * @param sendQueueLimit          {@code send-queue-limit}: most messages waiting per collector
 * @param collectorBuffer         {@code collector-buffer}: messages kept per TCP/TLS collector until acknowledged
 * @param tls                     {@code tls}: the PEM files, present when certificate, key and ca are set (checked at
 *                                load time: readable, and usable together as a TLS client context)
 */
public record ExportSettings(List<Collector> collectors, long observationDomainId, int mtu,
                             Duration templateRefresh, int templateRefreshMessages, long enterpriseId,
                             BiflowMode biflow, int sendQueueLimit, int collectorBuffer, Optional<TlsFiles> tls) {

    public ExportSettings {
        collectors = List.copyOf(collectors);
    }
}
