package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.Tools;

/**
 * Wireshark as an IPFIX collector: captures one UDP port (optionally inside a network
 * namespace) and decodes every data record with the named fields, one map per record.
 * Needs root (packet capture).
 */
public final class TsharkCapture implements AutoCloseable {
    private final Path pcap;
    private final Path log;
    private final int port;
    private final Process process;
    private String lastOutput = "";

    private TsharkCapture(Path pcap, Path log, int port, Process process) {
        this.pcap = pcap;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts {@code tshark -i IFACE -f FILTER} (inside {@code netns} unless null) and returns once
     * it demonstrably captures: UDP probes to {@code probePort} on {@code probeHost} are sent until
     * tshark prints one (the probes are in the capture too; they decode as nothing).
     */
    public static TsharkCapture start(Path dir, String netns, String iface, int port, String filter,
                                      String probeHost, int probePort) throws IOException, InterruptedException {
        Path pcap = dir.resolve("tshark-" + iface + "-" + port + ".pcap");
        Path log = dir.resolve("tshark-" + iface + "-" + port + ".log");
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("tshark", "-l", "-n", "-P", "-i", iface, "-f", filter, "-w", pcap.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TsharkCapture cap = new TsharkCapture(pcap, log, port, p);
        for (int i = 0; i < 100 && !Files.readString(log).contains(" → "); i++) {
            probe(netns, probeHost, probePort);
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the capture to start, not a timed assertion
        }
        if (!Files.readString(log).contains(" → ")) {
            p.destroyForcibly();
            throw new IllegalStateException("tshark did not start capturing: " + Files.readString(log));
        }
        return cap;
    }

    private static void probe(String netns, String host, int port) throws IOException {
        if (netns == null) {
            try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
                byte[] b = "probe".getBytes(StandardCharsets.US_ASCII);
                s.send(new java.net.DatagramPacket(b, b.length, java.net.InetAddress.getByName(host), port));
            }
        } else {
            Tools.runUnchecked(List.of("ip", "netns", "exec", netns, "bash", "-c",
                    "echo probe > /dev/udp/" + host + "/" + port));
        }
    }

    public static TsharkCapture ipfix(Path dir, String netns, String iface, int port)
            throws IOException, InterruptedException {
        return start(dir, netns, iface, port, "udp port " + port, "127.0.0.1", port);
    }

    /** Stops the capture and waits until its file is complete (tshark's dumpcap child may still be writing). */
    public void stop() throws InterruptedException {
        // tshark (-P) writes what it has dissected, behind the capture: let it catch up first
        long size = -1;
        for (int i = 0; i < 100 && log.toFile().length() != size; i++) {
            size = log.toFile().length();
            TimeUnit.MILLISECONDS.sleep(500); // waiting for output to settle, not a timed assertion
        }
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        size = -1;
        for (int i = 0; i < 50; i++) {
            long now = pcap.toFile().length();
            if (now == size && now > 0) {
                return;
            }
            size = now;
            TimeUnit.MILLISECONDS.sleep(100); // waiting for a file to settle, not a timed assertion
        }
    }

    /**
     * Decodes the capture as IPFIX and returns one map per data record ("Flow N" in Wireshark's
     * tree) with the requested fields, read from PDML so that records of different templates in
     * one message never mix.
     */
    public List<Map<String, String>> ipfixRecords(String... fields) {
        List<String> cmd = List.of("tshark", "-r", pcap.toString(), "-d", "udp.port==" + port + ",cflow", "-T", "pdml");
        String pdml = Tools.run(cmd);
        lastOutput = String.join(" ", cmd);
        java.util.Set<String> wanted = java.util.Set.of(fields);
        List<Map<String, String>> records = new ArrayList<>();
        try {
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            org.w3c.dom.Document doc = f.newDocumentBuilder().parse(
                    new java.io.ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)));
            org.w3c.dom.NodeList all = doc.getElementsByTagName("field");
            for (int i = 0; i < all.getLength(); i++) {
                org.w3c.dom.Element e = (org.w3c.dom.Element) all.item(i);
                if (e.getAttribute("name").isEmpty() && e.getAttribute("show").matches("Flow \\d+")) {
                    Map<String, String> rec = new HashMap<>();
                    org.w3c.dom.NodeList inner = e.getElementsByTagName("field");
                    for (int j = 0; j < inner.getLength(); j++) {
                        org.w3c.dom.Element x = (org.w3c.dom.Element) inner.item(j);
                        if (wanted.isEmpty() || wanted.contains(x.getAttribute("name"))) {
                            rec.putIfAbsent(x.getAttribute("name"), x.getAttribute("show"));
                        }
                    }
                    records.add(rec);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse tshark's PDML of " + pcap, e);
        }
        return records;
    }

    /**
     * The data records that carry element {@code id} of an enterprise Wireshark does not know
     * (flowmond's elements: "Enterprise Private entry: (...) Type N: Value (hex bytes)"), each
     * as a map from "enterprise.N" to the value read as an unsigned number, and every other
     * field by its Wireshark name ("show" text). In capture order.
     */
    public List<Map<String, String>> recordsWithEnterpriseElement(int id) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> r : ipfixRecordsWithEnterpriseValues()) {
            if (r.containsKey("enterprise." + id)) {
                out.add(r);
            }
        }
        return out;
    }

    private List<Map<String, String>> ipfixRecordsWithEnterpriseValues() {
        List<String> cmd = List.of("tshark", "-r", pcap.toString(), "-d", "udp.port==" + port + ",cflow", "-T", "pdml");
        String pdml = Tools.run(cmd);
        lastOutput = String.join(" ", cmd);
        List<Map<String, String>> records = new ArrayList<>();
        try {
            org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)));
            org.w3c.dom.NodeList all = doc.getElementsByTagName("field");
            for (int i = 0; i < all.getLength(); i++) {
                org.w3c.dom.Element e = (org.w3c.dom.Element) all.item(i);
                if (e.getAttribute("name").isEmpty() && e.getAttribute("show").matches("Flow \\d+")) {
                    records.add(fieldsOf(e));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse tshark's PDML of " + pcap, e);
        }
        return records;
    }

    private static Map<String, String> fieldsOf(org.w3c.dom.Element flow) {
        Map<String, String> rec = new java.util.LinkedHashMap<>();
        org.w3c.dom.NodeList inner = flow.getElementsByTagName("field");
        for (int j = 0; j < inner.getLength(); j++) {
            org.w3c.dom.Element x = (org.w3c.dom.Element) inner.item(j);
            String showname = x.getAttribute("showname");
            java.util.regex.Matcher m = ENTERPRISE_TYPE.matcher(showname);
            if (x.getAttribute("name").equals("cflow.enterprise_private_entry") && m.find()) {
                rec.put("enterprise." + m.group(1), number(x.getAttribute("value")));
            } else {
                rec.putIfAbsent(x.getAttribute("name"), x.getAttribute("show"));
            }
        }
        return rec;
    }

    /** An unsigned value of at most 8 octets in decimal; a longer value (a name) stays hex. */
    private static String number(String hex) {
        return hex.length() <= 16 ? Long.toUnsignedString(Long.parseUnsignedLong(hex, 16)) : hex;
    }

    private static final java.util.regex.Pattern ENTERPRISE_TYPE = java.util.regex.Pattern.compile("Type (\\d+):");

    /** Messages Wireshark's IPFIX expert checks flag: sequence holes, data without template, malformed. */
    public String ipfixProblems() {
        return Tools.run("tshark", "-r", pcap.toString(), "-d", "udp.port==" + port + ",cflow", "-Y",
                "cflow.unexpected_sequence_number || cflow.no_template_found || _ws.malformed");
    }

    /**
     * Packets and IP bytes (IPv4 total length; IPv6 payload length + 40) per direction of each TCP
     * connection in a capture of the traffic itself, keyed {@code src:sport>dst:dport} with
     * addresses as {@link java.net.InetAddress#getHostAddress()} writes them.
     */
    public Map<String, long[]> packetsAndBytesByDirection() {
        String out = Tools.run("tshark", "-r", pcap.toString(), "-Y", "tcp", "-T", "fields", "-E", "separator=;",
                "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                "-e", "tcp.dstport", "-e", "ip.len", "-e", "ipv6.plen");
        Map<String, long[]> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] c = line.split(";", -1);
            if (c.length < 8) {
                continue;
            }
            boolean v4 = !c[0].isEmpty();
            String src = normal(v4 ? c[0] : c[1]);
            String dst = normal(v4 ? c[3] : c[4]);
            long bytes = v4 ? Long.parseLong(c[6]) : Long.parseLong(c[7]) + 40;
            long[] v = m.computeIfAbsent(src + ":" + c[2] + ">" + dst + ":" + c[5], k -> new long[2]);
            v[0]++;
            v[1] += bytes;
        }
        return m;
    }

    private static String normal(String address) {
        try {
            return java.net.InetAddress.getByName(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    /** The command of the last decode, for failure messages. */
    public String lastOutput() {
        return lastOutput;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
