package org.flowmond.daemon;

/** Start-up cannot continue: a one-line reason and the sysexits.h status to exit with. */
final class StartupError extends Exception {

    /** EX_UNAVAILABLE: a kernel feature or library is missing. */
    static final int UNAVAILABLE = 69;
    /** EX_NOPERM: privileges are missing. */
    static final int NO_PERMISSION = 77;

    private final int exitStatus;

    StartupError(int exitStatus, String message) {
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    int exitStatus() {
        return exitStatus;
    }
}
