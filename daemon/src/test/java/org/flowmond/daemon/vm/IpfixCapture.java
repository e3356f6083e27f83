package org.flowmond.daemon.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;

/**
 * Reads the captures a guest scenario left: the IPFIX export decoded by tshark (Wireshark's
 * dissector, a real collector), and the TCP traffic itself, the ground truth for counts.
 */
final class IpfixCapture {
    private IpfixCapture() {
    }

    /**
     * One map per IPFIX data record ("Flow N" in Wireshark's tree), field name to shown value,
     * read from PDML so that records of different templates in one message never mix.
     */
    static List<Map<String, String>> records(Path pcap, int port) {
        return TsharkCapture.ipfixRecords(pcap, port);
    }

    /** Sequence holes, data without template, malformed messages: what Wireshark's expert checks flag. */
    static String problems(Path pcap, int port) {
        return TsharkCapture.ipfixProblems(pcap, port).strip();
    }

    /** One IPv4/IPv6 TCP or UDP packet of a capture: "srcport>dstport", IP protocol number, IP length, capture time. */
    record Packet(String ports, int protocol, long ipLength, double epochSeconds) {
    }

    /** The TCP and UDP packets of a capture, in capture order. */
    static List<Packet> packets(Path pcap) {
        String out = Tools.run("tshark", "-o", org.flowmond.testing.TsharkCapture.WIDE_TEMPLATES, "-r", pcap.toString(), "-T", "fields", "-E", "separator=;",
                "-e", "frame.time_epoch", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
                "-e", "ip.len");
        List<Packet> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] c = line.split(";", -1);
            if (c.length < 6 || c[5].isEmpty()) {
                continue;
            }
            boolean tcp = !c[1].isEmpty();
            String ports = tcp ? c[1] + ">" + c[2] : c[3] + ">" + c[4];
            packets.add(new Packet(ports, tcp ? 6 : 17, Long.parseLong(c[5]), Double.parseDouble(c[0])));
        }
        return packets;
    }

    /** Packets and IP bytes per direction "srcport>dstport" of the TCP packets in a capture. */
    static Map<String, long[]> tcpCountsByPorts(Path pcap) {
        Map<String, long[]> counts = new HashMap<>();
        for (Packet p : packets(pcap)) {
            if (p.protocol() == 6) {
                long[] v = counts.computeIfAbsent(p.ports(), k -> new long[2]);
                v[0]++;
                v[1] += p.ipLength();
            }
        }
        return counts;
    }
}
