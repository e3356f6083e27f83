package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.testing.Nfacctd;

/**
 * nfacctd's {@code aggregate_primitives} for ntop's process elements and flowmond's syscall
 * elements (flowmond's ids from the exporter's own element table, so they cannot drift), one
 * CSV column each.
 */
final class FlowmondPrimitives {
    /** Column name, element (IANA id, "PEN:id", or a flowmond element name), length, semantics. */
    private static final String[][] PRIMITIVES = {
        {"endreason", "136", "1", "u_int"},
        {"ipver", "60", "1", "u_int"},
        {"outbytes", "23", "8", "u_int"},
        {"outpkts", "24", "8", "u_int"},
        {"srcpid", "35632:168", "4", "u_int"},
        {"srcname", "35632:169", "16", "str"},
        {"dstpid", "35632:375", "4", "u_int"},
        {"dstname", "35632:376", "16", "str"},
        {"syscalls", "syscallCount", "8", "u_int"},
        {"mtbs", "meanTimeBetweenSyscalls", "8", "u_int"},
        {"kind", "syscallKind", "1", "u_int"},
        {"pid", "processId", "4", "u_int"},
        {"pname", "processName", "16", "str"},
    };

    private FlowmondPrimitives() {
    }

    /** nfacctd on 127.0.0.1 of network namespace {@code netns}, one CSV row per record with these columns. */
    static Nfacctd nfacctd(Path dir, String netns, long flowmondEnterprise) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        return Nfacctd.start(dir, netns, "127.0.0.1", port, lines(flowmondEnterprise),
                "src_host, dst_host, src_port, dst_port, proto, " + names(),
                // 4 MiB (the kernel doubles it; as root beyond rmem_max): a burst of 10,000 records
                // overflowed the default 208 KiB on a loaded machine
                "nfacctd_pipe_size: 4194304");
    }

    /** Writes the primitives file and returns the primitives' names, comma-separated, for an {@code aggregate} line. */
    static String write(Path file, long flowmondEnterprise) throws IOException {
        Files.writeString(file, lines(flowmondEnterprise));
        return names();
    }

    /** The {@code aggregate_primitives} file's lines, flowmond's elements under {@code flowmondEnterprise}. */
    static String lines(long flowmondEnterprise) {
        InformationElements model = InformationElements.withFlowmondEnterprise(flowmondEnterprise);
        StringBuilder primitives = new StringBuilder();
        for (String[] p : PRIMITIVES) {
            String type = Character.isDigit(p[1].charAt(0)) ? p[1] : flowmondEnterprise + ":" + model.byName(p[1]).id();
            primitives.append("name=").append(p[0]).append(" field_type=").append(type).append(" len=").append(p[2])
                    .append(" semantics=").append(p[3]).append('\n');
        }
        return primitives.toString();
    }

    /** The primitives' names, comma-separated. */
    static String names() {
        List<String> names = new ArrayList<>();
        for (String[] p : PRIMITIVES) {
            names.add(p[0]);
        }
        return String.join(", ", names);
    }
}
