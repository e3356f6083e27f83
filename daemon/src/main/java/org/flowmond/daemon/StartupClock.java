package org.flowmond.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Where start-up time goes, for one log line once the probes are attached: the JVM until
 * {@code main} (the process's age then, from /proc), then each named phase measured with
 * {@link System#nanoTime()}.
 */
final class StartupClock {

    /** USER_HZ, the unit of /proc/PID/stat's start time: 100 on every Linux architecture flowmond runs on. */
    private static final long USER_HZ = 100;

    private final Optional<Long> ageAtMainNanos;
    private final long mainNanos;
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private long phaseStart;

    /**
     * @param ageAtMainNanos how long the process had existed when main began, if known
     * @param mainNanos      {@link System#nanoTime()} then
     */
    StartupClock(Optional<Long> ageAtMainNanos, long mainNanos) {
        this.ageAtMainNanos = ageAtMainNanos;
        this.mainNanos = mainNanos;
        this.phaseStart = mainNanos;
    }

    /** Started now; {@code processAge} tells how old the process is (empty or throwing: unknown). */
    static StartupClock startedNow(Supplier<Optional<Long>> processAge) {
        long nanos = System.nanoTime();
        Optional<Long> age;
        try {
            age = processAge.get();
        } catch (RuntimeException e) {
            age = Optional.empty(); // only the JVM's share is then unknown
        }
        return new StartupClock(age, nanos);
    }

    static StartupClock startedNow() {
        return startedNow(StartupClock::processAgeNanos);
    }

    /**
     * Seconds since boot (/proc/uptime, 10 ms steps) minus the process's start in clock ticks since
     * boot (/proc/self/stat field 22). Not ProcessHandle's start instant: that adds the boot time,
     * which /proc/stat gives in whole seconds, so it can be up to a second early.
     */
    static Optional<Long> processAgeNanos() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            double upSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            // fields after the command name "(...)", which may contain spaces: state is field 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[22 - 3]);
            long age = Math.round(upSeconds * 1e9) - startTicks * (1_000_000_000L / USER_HZ);
            return Optional.of(Math.max(0, age));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
     * (without the total and the JVM part when the process's age is unknown).
     */
    String summary(long nowNanos) {
        StringJoiner parts = new StringJoiner(", ");
        long sinceMainMs = (nowNanos - mainNanos) / 1_000_000;
        String head;
        if (ageAtMainNanos.isPresent()) {
            long jvmMs = ageAtMainNanos.get() / 1_000_000;
            head = (jvmMs + sinceMainMs) + " ms after the process started";
            parts.add("JVM until main " + jvmMs + " ms");
        } else {
            head = sinceMainMs + " ms after main";
        }
        phases.forEach((name, nanos) -> parts.add(name + " " + nanos / 1_000_000 + " ms"));
        return head + ": " + parts;
    }
}
