package org.flowmond.ipfix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an {@link IpfixExporter} needs, validated once. The library has no defaults of its
 * own: the daemon's {@code reference.conf} holds them.
 *
 * @param collectors              where to send (UDP, TCP, TLS); may be empty when a file or a message sink is given
 * @param observationDomainId     the observation domain of the flow messages (unsigned32); the exporter's
 *                                own options (statistics, type records) go in domain 0 (RFC 7011 section 3.1)
 * @param mtu                     path MTU in octets; a message is at most MTU minus 28 (IPv4) or 48 (IPv6);
 *                                {@link #AUTO_MTU}: {@value #LOOPBACK_MTU} when every UDP collector is on this
 *                                host (a loopback address or one of its own), else {@value #DEFAULT_MTU}
 * @param templateRefreshInterval templates are re-sent to each collector at least this often
 * @param templateRefreshMessages ...and after this many data messages to it (0: by time only)
 * @param statisticsInterval      how often exporter statistics options records are sent
 * @param enterpriseNumber        the PEN of flowmond's own elements (32473 is the documentation PEN)
 * @param biflowMode              how bidirectional flows go on the wire
 * @param queueCapacity           records waiting for the export thread; beyond it records are dropped and counted
 * @param file                    if present, the same messages are also written to this IPFIX file (RFC 5655)
 */
public record ExporterSettings(List<Collector> collectors, long observationDomainId, int mtu,
                               Duration templateRefreshInterval, int templateRefreshMessages,
                               Duration statisticsInterval, long enterpriseNumber, BiflowMode biflowMode,
                               int queueCapacity, Optional<Path> file) {
    /** Smallest MTU every IPv4 host must accept (RFC 791); templates and records must fit it. */
    public static final int MIN_MTU = 576;
    /** The MTU chosen from the collectors' addresses, see {@link #mtu()}. */
    public static final int AUTO_MTU = 0;
    /** Ethernet's: what {@link #AUTO_MTU} assumes of a path to another host, whose MTU it cannot know. */
    public static final int DEFAULT_MTU = 1500;
    /**
     * What {@link #AUTO_MTU} uses towards a collector on this host: the loopback device never
     * fragments (its MTU is 65536), and a jumbo frame's 9000 keeps each message under the 10,000
     * octets pmacct's nfacctd reads of a datagram (it drops longer ones whole); nfcapd and
     * Wireshark read up to 65535. Six records of 290 octets fit a 1472-octet message, thirty a
     * 8972-octet one: a fifth of the datagrams, each waking the collector once.
     */
    public static final int LOOPBACK_MTU = 9000;

    public ExporterSettings {
        collectors = List.copyOf(collectors);
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(biflowMode, "biflowMode");
        ProcessInfo.checkUnsigned32("observation domain id", observationDomainId);
        if (mtu != AUTO_MTU && (mtu < MIN_MTU || mtu > 65536)) {
            throw new IllegalArgumentException("mtu must be " + MIN_MTU + "..65536 or AUTO_MTU: " + mtu);
        }
        requirePositive("template refresh interval", templateRefreshInterval);
        requirePositive("statistics interval", statisticsInterval);
        if (templateRefreshMessages < 0) {
            throw new IllegalArgumentException("template refresh message count must be >= 0: " + templateRefreshMessages);
        }
        if (enterpriseNumber < 1 || enterpriseNumber > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("enterprise number must be 1..4294967295: " + enterpriseNumber);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1: " + queueCapacity);
        }
    }

    private static void requirePositive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
