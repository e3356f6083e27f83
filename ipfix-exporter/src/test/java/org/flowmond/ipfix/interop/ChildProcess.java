package org.flowmond.ipfix.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A collector run as a child process for one test, its output in a file. Always stopped by
 * {@link #close()}, forcibly if it does not stop by itself.
 */
final class ChildProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path output;

    private ChildProcess(List<String> command, Process process, Path output) {
        this.command = command;
        this.process = process;
        this.output = output;
    }

    /** Starts {@code command} with stdout and stderr going to {@code output}. */
    static ChildProcess start(List<String> command, Path output) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new ChildProcess(command, p, output);
    }

    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Waits until the output contains {@code marker}; throws with the output if it does not come. */
    void awaitOutput(String marker, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(marker)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(command.get(0) + " exited (" + process.exitValue()
                        + ") before printing '" + marker + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(command.get(0) + " did not print '" + marker + "' within "
                        + timeout + ":\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGINT (how tshark and nfacctd are asked to finish) and waits for the exit. */
    void interrupt(Duration timeout) throws IOException, InterruptedException {
        signal("-INT");
        awaitExit(timeout);
    }

    /** Sends SIGTERM (how nfcapd is asked to write its file) and waits for the exit. */
    void terminate(Duration timeout) throws IOException, InterruptedException {
        signal("-TERM");
        awaitExit(timeout);
    }

    private void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    void awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(command.get(0) + " did not exit within " + timeout + ":\n" + output());
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
