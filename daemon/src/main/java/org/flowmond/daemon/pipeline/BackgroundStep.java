package org.flowmond.daemon.pipeline;

import java.util.function.Consumer;

/**
 * One step of start-up run on a thread of its own while the caller does another, so that the two
 * cores share the work: the outputs open (Netty, the exporter's templates) while the BPF objects
 * load, and the syscall probes load while the TC program does (the kernel's verifier runs on the
 * loading thread). {@link #join()} hands back the result, or rethrows the step's own exception or
 * error unchanged, so a failure reads the same as when the step ran on the caller's thread.
 */
final class BackgroundStep<T> {

    /** The work of the step. */
    interface Step<T> {
        T run() throws Exception;
    }

    private final Thread thread;
    private T result;
    private Throwable failure;

    private BackgroundStep(String name, Step<T> step) {
        this.thread = new Thread(() -> runStep(step), name);
        thread.setDaemon(true);
    }

    /** Starts {@code step} on a new daemon thread named {@code name}. */
    static <T> BackgroundStep<T> start(String name, Step<T> step) {
        BackgroundStep<T> s = new BackgroundStep<>(name, step);
        s.thread.start();
        return s;
    }

    private void runStep(Step<T> step) {
        try {
            result = step.run();
        } catch (Throwable t) { // handed to join(), which rethrows it on the caller's thread
            failure = t;
        }
    }

    /** Waits for the step; its result, or its failure rethrown as it was thrown. */
    T join() throws Exception {
        joinUninterruptibly();
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return result;
    }

    /**
     * After the caller's own step failed: waits for this one and closes what it opened, so nothing
     * stays behind; its own failure, if any, is added to {@code cause} as suppressed.
     */
    void discard(Consumer<T> close, Throwable cause) {
        joinUninterruptibly();
        if (failure != null) {
            cause.addSuppressed(failure);
        } else if (result != null) {
            try {
                close.accept(result);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * Start-up waits for its steps to the end: an interrupt is kept for the caller, never used to
     * abandon a step that may still be attaching probes.
     */
    private void joinUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
