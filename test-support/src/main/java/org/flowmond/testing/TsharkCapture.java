package org.flowmond.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Wireshark as an IPFIX collector: tshark captures one port (on loopback, or on an interface
 * inside a network namespace) into a file, which is then read back decoded as IPFIX
 * ({@code -d PROTO.port==N,cflow}). Capturing needs root.
 */
public final class TsharkCapture implements AutoCloseable {
    /**
     * Wireshark 4.0 decodes no record of a template with more than 60 fields by default
     * ("More entries than we can handle"); flowmond's TCP biflow templates with TCP health have 65
     * and 66. Every read of IPFIX here raises that preference, as the README tells users to.
     */
    public static final String WIDE_TEMPLATES = "cflow.max_template_fields:100";

    private static final Pattern ENTERPRISE_TYPE = Pattern.compile("Type (\\d+):");
    private static final String EXPERT_FINDINGS =
            "cflow.unexpected_sequence_number || cflow.no_template_found || _ws.malformed";

    private final String protocol;
    private final int port;
    private final Path pcap;
    private final ChildProcess tshark;
    private String lastOutput = "";

    private TsharkCapture(String protocol, int port, Path pcap, ChildProcess tshark) {
        this.protocol = protocol;
        this.port = port;
        this.pcap = pcap;
        this.tshark = tshark;
    }

    /**
     * Captures {@code PROTOCOL port N} ("udp" or "tcp") on loopback. tshark announces "Capture
     * started." before dumpcap really sees packets, so this returns only once a probe datagram
     * sent to a second port has shown up in tshark's live packet list ({@code -P}).
     */
    public static TsharkCapture loopback(String protocol, int port, Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("capture-" + port + ".pcapng");
        int probePort = freeUdpPort();
        ChildProcess p = ChildProcess.command(dir.resolve("tshark-" + port + ".log"), List.of("tshark", "-i", "lo",
                "-f", protocol + " port " + port + " or udp port " + probePort, "-w", file.toString(), "-P", "-l"));
        TsharkCapture capture = new TsharkCapture(protocol, port, file, p);
        try {
            p.awaitOutput("Capture started.", Duration.ofSeconds(30));
            capture.awaitProbe(probePort);
        } catch (RuntimeException | IOException | InterruptedException e) {
            p.close();
            throw e;
        }
        return capture;
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
        ChildProcess p = ChildProcess.command(log, cmd);
        for (int i = 0; i < 100 && !p.output().contains(" → "); i++) {
            probe(netns, probeHost, probePort);
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the capture to start, not a timed assertion
        }
        if (!p.output().contains(" → ")) {
            p.close();
            throw new IllegalStateException("tshark did not start capturing: " + p.output());
        }
        return new TsharkCapture("udp", port, pcap, p);
    }

    /** {@link #start} for the IPFIX export to UDP {@code port} on {@code iface}, probed on that port. */
    public static TsharkCapture ipfix(Path dir, String netns, String iface, int port)
            throws IOException, InterruptedException {
        return start(dir, netns, iface, port, "udp port " + port, "127.0.0.1", port);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void probe(String netns, String host, int port) throws IOException {
        if (netns == null) {
            try (DatagramSocket s = new DatagramSocket()) {
                byte[] b = "probe".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(b, b.length, InetAddress.getByName(host), port));
            }
        } else {
            Tools.runUnchecked(List.of("ip", "netns", "exec", netns, "bash", "-c",
                    "echo probe > /dev/udp/" + host + "/" + port));
        }
    }

    private void awaitProbe(int probePort) throws IOException, InterruptedException {
        try (DatagramSocket s = new DatagramSocket()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (countPackets(probePort) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("tshark never saw a probe:\n" + tshark.output());
                }
                byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(probe, probe.length, InetAddress.getLoopbackAddress(), probePort));
                Thread.sleep(20); // waiting for the capture to start, not a timed assertion
            }
        }
    }

    /** Packets to {@code toPort} in tshark's live list so far. */
    private long countPackets(int toPort) throws IOException {
        String arrow = "\u2192 " + toPort + " ";
        return tshark.output().lines().filter(l -> l.contains(arrow)).count();
    }

    /** Waits until tshark has listed {@code count} packets to the port (30 s at most), then stops it. */
    public void stopAfter(long count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (countPackets(port) < count && System.nanoTime() < deadline) {
            Thread.sleep(20); // waiting for the capture, not a timed assertion
        }
        stop();
    }

    /**
     * Stops the capture once tshark's live list has caught up (it dissects behind the capture),
     * and waits until the file is complete (tshark's dumpcap child may still be writing).
     */
    public void stop() throws IOException, InterruptedException {
        long size = -1;
        for (int i = 0; i < 100 && tshark.log.toFile().length() != size; i++) {
            size = tshark.log.toFile().length();
            TimeUnit.MILLISECONDS.sleep(500); // waiting for output to settle, not a timed assertion
        }
        tshark.interrupt(Duration.ofSeconds(30));
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

    /** The capture file. */
    public Path pcap() {
        return pcap;
    }

    /** Frame numbers matching a display filter, the capture decoded as IPFIX. */
    public List<Integer> frames(String displayFilter) {
        String out = Tools.run(List.of("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-d", decodeAs(), "-Y", displayFilter,
                "-T", "fields", "-e", "frame.number"));
        return out.lines().filter(l -> !l.isBlank()).map(Integer::parseInt).toList();
    }

    /** Messages Wireshark's IPFIX expert checks flag: sequence holes, data without template, malformed. */
    public String ipfixProblems() {
        return Tools.run("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-d", decodeAs(), "-Y", EXPERT_FINDINGS);
    }

    /** {@link #ipfixProblems()} of a capture file made elsewhere (a guest's), for IPFIX to UDP {@code port}. */
    public static String ipfixProblems(Path pcap, int port) {
        return Tools.run("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-d", "udp.port==" + port + ",cflow", "-Y", EXPERT_FINDINGS);
    }

    /** "frame time ip.len ipv6.plen template-ids" per packet to or from the port: for size and timing checks. */
    public List<String[]> packets() {
        String out = Tools.run(portOnly("-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.len",
                "-e", "ipv6.plen", "-e", "cflow.template_id"));
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** The packets to or from the port as Wireshark's PDML, decoded as IPFIX. */
    public String pdml() {
        return Tools.run(portOnly("-T", "pdml"));
    }

    private List<String> portOnly(String... extra) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-d", decodeAs(),
                "-Y", protocol + ".port==" + port));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private String decodeAs() {
        return protocol + ".port==" + port + ",cflow";
    }

    /**
     * One map per IPFIX data record ("Flow N" in Wireshark's tree) with the requested fields (all
     * if none), read from PDML so that records of different templates in one message never mix.
     */
    public List<Map<String, String>> ipfixRecords(String... fields) {
        lastOutput = "tshark -r " + pcap + " -d " + decodeAs() + " -T pdml";
        return records(pcap, port, Set.of(fields));
    }

    /** {@link #ipfixRecords} of a capture file made elsewhere (a guest's), every field, for IPFIX to UDP {@code port}. */
    public static List<Map<String, String>> ipfixRecords(Path pcap, int port) {
        return records(pcap, port, Set.of());
    }

    private static List<Map<String, String>> records(Path pcap, int port, Set<String> wanted) {
        List<Map<String, String>> records = new ArrayList<>();
        for (Element flow : flows(pcap, port)) {
            Map<String, String> rec = new HashMap<>();
            NodeList inner = flow.getElementsByTagName("field");
            for (int j = 0; j < inner.getLength(); j++) {
                Element x = (Element) inner.item(j);
                if (wanted.isEmpty() || wanted.contains(x.getAttribute("name"))) {
                    rec.putIfAbsent(x.getAttribute("name"), x.getAttribute("show"));
                }
            }
            records.add(rec);
        }
        return records;
    }

    /** The "Flow N" elements of the capture's PDML, in capture order. */
    private static List<Element> flows(Path pcap, int port) {
        String pdml = Tools.run("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-d", "udp.port==" + port + ",cflow", "-T", "pdml");
        List<Element> flows = new ArrayList<>();
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)));
            NodeList all = doc.getElementsByTagName("field");
            for (int i = 0; i < all.getLength(); i++) {
                Element e = (Element) all.item(i);
                if (e.getAttribute("name").isEmpty() && e.getAttribute("show").matches("Flow \\d+")) {
                    flows.add(e);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse tshark's PDML of " + pcap, e);
        }
        return flows;
    }

    /**
     * The data records that carry element {@code id} of an enterprise Wireshark does not know
     * (flowmond's elements: "Enterprise Private entry: (...) Type N: Value (hex bytes)"), each
     * as a map from "enterprise.N" to the value read as an unsigned number, and every other
     * field by its Wireshark name ("show" text). In capture order.
     */
    public List<Map<String, String>> recordsWithEnterpriseElement(int id) {
        lastOutput = "tshark -r " + pcap + " -d " + decodeAs() + " -T pdml";
        List<Map<String, String>> out = new ArrayList<>();
        for (Element flow : flows(pcap, port)) {
            Map<String, String> r = fieldsWithEnterpriseValues(flow);
            if (r.containsKey("enterprise." + id)) {
                out.add(r);
            }
        }
        return out;
    }

    private static Map<String, String> fieldsWithEnterpriseValues(Element flow) {
        Map<String, String> rec = new LinkedHashMap<>();
        NodeList inner = flow.getElementsByTagName("field");
        for (int j = 0; j < inner.getLength(); j++) {
            Element x = (Element) inner.item(j);
            Matcher m = ENTERPRISE_TYPE.matcher(x.getAttribute("showname"));
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

    /**
     * Packets and IP bytes (IPv4 total length; IPv6 payload length + 40) per direction of each TCP
     * connection in a capture of the traffic itself, keyed {@code src:sport>dst:dport} with
     * addresses as {@link InetAddress#getHostAddress()} writes them.
     */
    public Map<String, long[]> packetsAndBytesByDirection() {
        String out = Tools.run("tshark", "-o", WIDE_TEMPLATES, "-r", pcap.toString(), "-Y", "tcp", "-T", "fields", "-E", "separator=;",
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
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    /** The command of the last decode, for failure messages. */
    public String lastOutput() {
        return lastOutput;
    }

    /** tshark's own output: its live packet list and messages. */
    public String log() throws IOException {
        return Files.exists(tshark.log) ? tshark.output() : "";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (tshark.process.isAlive()) {
            stop();
        }
    }
}
