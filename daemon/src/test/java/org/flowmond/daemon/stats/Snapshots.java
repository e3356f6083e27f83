package org.flowmond.daemon.stats;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.tc.TcAttachMode;
import org.flowmond.bpf.tc.TcStatistics;
import org.flowmond.daemon.flow.FlowStats;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.ExporterStatistics;
import org.flowmond.ipfix.FlowEndReason;

/** Statistics snapshots for tests. */
public final class Snapshots {

    private Snapshots() {
    }

    /** Only what the IPFIX health record reads set; {@code variant} null: no syscall probes. */
    public static StatisticsSnapshot health(long active, long exported, long mapFull, long ringBuffer, long sendQueue,
                                            long eventQueue, HookVariant variant) {
        FlowStats.Counts zero = new FlowStats().counts();
        FlowStats.Counts flows = new FlowStats.Counts(active, 0, exported, 0, 0, zero.biflowsByReason(), 0, 0, 0, 0, 0, 0,
                0, zero.syscallByReason(), 0, 0, 0, zero.endsWithoutOwnerByLabel(), 0);
        ExporterStatistics exporter = new ExporterStatistics(0, sendQueue, 0, 0, 0, 0, 0, 0, 0, List.of(),
                Optional.empty(), List.of());
        return new StatisticsSnapshot(flows, eventQueue, 0, 0, new CycleTimes(0, 0, 0, 0, 0, 0, 0, 0), null,
                variant == null ? null : new SyscallCounters(ringBuffer, 0, 0, 0, 0, 0, 0, 0, variant),
                new TcCounters(mapFull, 0, 0, 0, 0, 0, Map.of(), 0, 0, 1, TcAttachMode.TCX), null,
                new IpfixCounters(exporter), null, null);
    }

    /**
     * Every part present and every number in it different (1, 2, 3 ... in units of a millisecond for the
     * cycle timings), so that a test can find each one among the named values. Built by walking the
     * record components, so that a field added later is covered without a change here.
     */
    public static StatisticsSnapshot distinct() {
        return (StatisticsSnapshot) fill(StatisticsSnapshot.class, null, new long[] {1});
    }

    private static Object fill(Class<?> type, Type generic, long[] next) {
        if (type == long.class) {
            return next[0]++ * 1_000_000;
        }
        if (type == int.class) {
            return (int) (next[0]++ * 1_000_000);
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == String.class) {
            return "udp:192.0.2.1:" + next[0]++; // destinations must differ: each is a key of its own
        }
        if (type == HookVariant.class) {
            return HookVariant.FENTRY;
        }
        if (type == TcAttachMode.class) {
            return TcAttachMode.TCX;
        }
        if (type == Optional.class) {
            return Optional.of(fill(CollectorStatistics.class, null, next));
        }
        if (type == List.class) {
            Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
            List<Object> l = new ArrayList<>();
            l.add(element == String.class ? "cgroup/connect4" : fill(CollectorStatistics.class, null, next));
            return l;
        }
        if (type == Map.class) {
            return map(generic, next);
        }
        if (type == OutputCounters.class) {
            throw new IllegalStateException("chosen by the component's name");
        }
        try {
            RecordComponent[] rc = type.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                Class<?> t = types[i];
                if (t == OutputCounters.class) {
                    t = rc[i].getName().equals("kafka") ? KafkaCounters.class : IpfixCounters.class;
                }
                args[i] = fill(t, rc[i].getGenericType(), next);
            }
            Constructor<?> c = type.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName(), e);
        }
    }

    private static Map<Object, Long> map(Type generic, long[] next) {
        Type key = ((ParameterizedType) generic).getActualTypeArguments()[0];
        List<Object> keys = new ArrayList<>();
        if (key == FlowEndReason.class) {
            keys.addAll(List.of(FlowEndReason.values()));
        } else if (key == Integer.class) {
            keys.addAll(List.of(0x0806, TcStatistics.OTHER_ETHERTYPES));
        } else if (key == String.class) {
            keys.addAll(new FlowStats().counts().endsWithoutOwnerByLabel().keySet());
        } else {
            throw new IllegalStateException("no keys for " + key);
        }
        Map<Object, Long> m = new LinkedHashMap<>();
        for (Object k : keys) {
            m.put(k, next[0]++ * 1_000_000);
        }
        return m;
    }
}
