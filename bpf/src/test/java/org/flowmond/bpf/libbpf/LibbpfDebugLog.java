package org.flowmond.bpf.libbpf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * libbpf's own log lines (logger "libbpf", at debug while this is open), kept for a test to read:
 * e.g. whether a load parsed vmlinux BTF. Closing restores the logger's level.
 */
public final class LibbpfDebugLog implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("libbpf");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LibbpfDebugLog() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Starts keeping libbpf's lines, debug ones included. */
    public static LibbpfDebugLog capture() {
        return new LibbpfDebugLog();
    }

    /** Whether a line kept so far contains {@code text}. */
    public boolean anyContains(String text) {
        return appender.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
    }

    /** The lines kept so far. */
    public List<ILoggingEvent> lines() {
        return appender.list;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(null);
    }
}
