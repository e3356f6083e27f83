package org.flowmond.daemon;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Where start-up time goes, for one log line once the probes are attached: the JVM until
 * {@code main} (from the process's start time in /proc, at the kernel's clock-tick resolution),
 * then each named phase measured with {@link System#nanoTime()}.
 */
final class StartupClock {

    private final Optional<Instant> processStart;
    private final Instant mainStart;
    private final long mainNanos;
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private long phaseStart;

    StartupClock(Optional<Instant> processStart, Instant mainStart, long mainNanos) {
        this.processStart = processStart;
        this.mainStart = mainStart;
        this.mainNanos = mainNanos;
        this.phaseStart = mainNanos;
    }

    /** Started at the top of {@code main}: the process start comes from ProcessHandle (/proc/self/stat). */
    static StartupClock startedNow(Supplier<Optional<Instant>> processStart) {
        long nanos = System.nanoTime();
        Instant now = Instant.now();
        Optional<Instant> start;
        try {
            start = processStart.get();
        } catch (RuntimeException e) {
            start = Optional.empty(); // only the JVM's share is then unknown
        }
        return new StartupClock(start, now, nanos);
    }

    static StartupClock startedNow() {
        return startedNow(() -> ProcessHandle.current().info().startInstant());
    }

    /** Ends the current phase (begun at main or at the previous phase's end) under this name. */
    void phase(String name, long nowNanos) {
        phases.merge(name, nowNanos - phaseStart, Long::sum);
        phaseStart = nowNanos;
    }

    void phase(String name) {
        phase(name, System.nanoTime());
    }

    /**
     * E.g. "1034 ms after the process started: JVM until main 180 ms, configuration 95 ms, ..."
     * (without the total and the JVM part when the process's start time is unknown).
     */
    String summary(long nowNanos) {
        StringJoiner parts = new StringJoiner(", ");
        long sinceMainMs = (nowNanos - mainNanos) / 1_000_000;
        String head;
        if (processStart.isPresent()) {
            long jvmMs = Math.max(0, mainStart.toEpochMilli() - processStart.get().toEpochMilli());
            head = (jvmMs + sinceMainMs) + " ms after the process started";
            parts.add("JVM until main " + jvmMs + " ms");
        } else {
            head = sinceMainMs + " ms after main";
        }
        phases.forEach((name, nanos) -> parts.add(name + " " + nanos / 1_000_000 + " ms"));
        return head + ": " + parts;
    }
}
