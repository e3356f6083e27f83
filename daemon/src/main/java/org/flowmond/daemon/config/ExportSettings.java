package org.flowmond.daemon.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code flowmon.export.*}: IPFIX export.
 *
 * @param collectors              {@code collectors}: every collector receives every record; may be empty
 * @param observationDomainId     {@code observation-domain-id}: 0 .. 2^32-1
 * @param mtu                     {@code mtu}: path MTU in bytes; message size is this minus 28 (IPv4) / 48 (IPv6)
 * @param templateRefresh         {@code template-refresh}: template re-send period per collector
 * @param templateRefreshMessages {@code template-refresh-messages}: also re-send after this many messages; 0 = off
 * @param enterpriseId            {@code enterprise-id}: PEN of flowmond's own elements
 * @param biflow                  {@code biflow}
 * @param sendQueueLimit          {@code send-queue-limit}: most messages waiting per collector
 */
public record ExportSettings(List<Collector> collectors, long observationDomainId, int mtu,
                             Duration templateRefresh, int templateRefreshMessages, long enterpriseId,
                             BiflowMode biflow, int sendQueueLimit) {

    public ExportSettings {
        collectors = List.copyOf(collectors);
    }
}
