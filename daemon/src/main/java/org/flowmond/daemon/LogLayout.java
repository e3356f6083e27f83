package org.flowmond.daemon;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@link LogConfigurator#PATTERN} written out by hand: {@code HH:mm:ss.SSS LEVEL Logger: message},
 * then the exception's stack trace, as logback's PatternLayout prints that pattern. PatternLayout
 * would compile the pattern at start-up with its parser and converter registry (some 80 classes,
 * a sixth of what logging costs the first start); this layout needs none of them until the first
 * exception is logged.
 */
final class LogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final ZoneId zone = ZoneId.systemDefault();
    private ThrowableProxyConverter throwables;

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone), line);
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(simpleName(event.getLoggerName())).append(": ");
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(throwables().convert(event));
        }
        return line.toString();
    }

    /** What {@code %logger{0}} prints: the part after the last dot. */
    static String simpleName(String loggerName) {
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }

    /**
     * The converter PatternLayout adds to a pattern without one: with packaging data (jar and
     * version per frame) when the context asks for it.
     */
    private ThrowableProxyConverter throwables() {
        if (throwables == null) {
            boolean packaging = getContext() instanceof ch.qos.logback.classic.LoggerContext logback
                    && logback.isPackagingDataEnabled();
            ThrowableProxyConverter converter = packaging ? new ExtendedThrowableProxyConverter() : new ThrowableProxyConverter();
            converter.setContext(getContext());
            converter.start();
            throwables = converter;
        }
        return throwables;
    }
}
