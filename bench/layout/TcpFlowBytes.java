package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.TcpCounters;
import org.openjdk.jol.info.GraphLayout;

/** Heap reachable from the biflows of N TCP flows seen both ways on one hook pair, with TCP counters on both entries: (table at 2N - table at N) / N. */
public class TcpFlowBytes {
    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        boolean tcpHealth = a.length < 2 || Boolean.parseBoolean(a[1]);
        long at1 = tableBytes(n, tcpHealth, a.length > 2);
        long at2 = tableBytes(2 * n, tcpHealth, false);
        System.out.printf("tcp-health=%s: %.1f bytes per TCP flow (%d flows: %d B, %d flows: %d B)%n",
                tcpHealth, (at2 - at1) / (double) n, n, at1, 2 * n, at2);
    }

    /** The table's BiflowIndex (private fields: read by reflection, as both builds have them). */
    static BiflowIndex index(FlowTable t) {
        try {
            Object bt = field(t, BiflowTable.class);
            return (BiflowIndex) field(bt, BiflowIndex.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object field(Object o, Class<?> type) throws ReflectiveOperationException {
        for (java.lang.reflect.Field fl : o.getClass().getDeclaredFields()) {
            if (fl.getType() == type) {
                fl.setAccessible(true);
                return fl.get(o);
            }
        }
        throw new NoSuchFieldException(type.getName());
    }

    static long tableBytes(int n, boolean tcpHealth, boolean print) {
        FlowFixture f = new FlowFixture();
        for (int i = 0; i < n; i++) {
            String client = "10.1." + (i >> 8 & 0xFF) + "." + (i & 0xFF);
            int port = 1024 + (i >> 16);
            FlowKey out = FlowFixture.key(client, port, "10.0.0.1", 80, 6, 2, Direction.EGRESS);
            FlowKey in = FlowFixture.key("10.0.0.1", 80, client, port, 6, 2, Direction.INGRESS);
            if (tcpHealth) {
                f.putTcp(out, new TcpCounters(FlowFixture.T0, 0, FlowFixture.T0 + 2000, 1, 100, 0, 0, 0, 50, 80, 130, 2));
                f.putTcp(in, new TcpCounters(0, FlowFixture.T0 + 1000, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0));
            }
            f.put(out, 10, 1000, FlowFixture.T0, FlowFixture.T0 + 500, FlowCounters.SYN | FlowCounters.ACK);
            f.put(in, 9, 9000, FlowFixture.T0 + 1000, FlowFixture.T0 + 600, FlowCounters.SYN | FlowCounters.ACK);
        }
        f.now = FlowFixture.T0 + FlowFixture.S;
        f.scan();
        // the fixture's in-memory "kernel map" is not the table's: empty it before measuring
        f.kernel.clear();
        f.stamps.clear();
        f.tcp.clear();
        java.util.List<Object> flows = new java.util.ArrayList<>();
        index(f.table).forEach(flows::add);
        GraphLayout g = GraphLayout.parseInstance(flows.toArray());
        if (print) {
            System.out.println(g.toFootprint());
        }
        return g.totalSize();
    }
}
