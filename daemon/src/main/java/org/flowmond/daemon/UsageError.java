package org.flowmond.daemon;

/** A command line that cannot be understood (unknown option, missing argument): exit status 64. */
public final class UsageError extends Exception {

    /** sysexits.h EX_USAGE. */
    public static final int EXIT_STATUS = 64;

    public UsageError(String message) {
        super(message, null, false, false);
    }
}
