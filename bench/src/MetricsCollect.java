import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.flowmond.daemon.metrics.StatisticsCollector;

/**
 * CPU time of one scrape's collect and text formatting, per part of the endpoint's registry, in
 * process (bench/metrics-scrape.sh runs it with the jar on the class path): the thread's own CPU
 * time, so other load on the machine counts little. args[0]: the statistics as "key=value key=value".
 */
public final class MetricsCollect {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Map<String, Long> stats = new LinkedHashMap<>();
        for (String kv : args[0].trim().split("\\s+")) {
            int eq = kv.lastIndexOf('=');
            stats.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        Map<String, Consumer<PrometheusRegistry>> parts = new LinkedHashMap<>();
        parts.put("flowmond statistics (" + stats.size() + " keys)",
                r -> r.register(new StatisticsCollector(() -> new LinkedHashMap<>(stats), "bench", () -> 1.0)));
        parts.put("process", r -> ProcessMetrics.builder().register(r));
        parts.put("jvm memory", r -> JvmMemoryMetrics.builder().register(r));
        parts.put("jvm gc", r -> JvmGarbageCollectorMetrics.builder().register(r));
        parts.put("jvm threads", r -> JvmThreadsMetrics.builder().register(r));
        parts.put("all of them", r -> parts.values().stream().limit(5).forEach(p -> p.accept(r)));
        for (int round = 1; round <= 3; round++) {
            StringBuilder line = new StringBuilder("round " + round + ", CPU us per scrape:");
            for (Map.Entry<String, Consumer<PrometheusRegistry>> p : parts.entrySet()) {
                PrometheusRegistry r = new PrometheusRegistry();
                p.getValue().accept(r);
                line.append(String.format("  %s %.0f", p.getKey(), cpuMicrosPerScrape(r, n)));
            }
            System.out.println(line);
        }
    }

    private static double cpuMicrosPerScrape(PrometheusRegistry r, int n) throws Exception {
        PrometheusTextFormatWriter w = PrometheusTextFormatWriter.create();
        for (int i = 0; i < n; i++) { // warm-up: the JIT compiles the same path
            w.write(new ByteArrayOutputStream(), r.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            w.write(new ByteArrayOutputStream(), r.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n;
    }
}
