package org.flowmond.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import org.slf4j.Logger;

/**
 * flowmond's logging set-up in code, the same as src/main/resources/logback.xml: INFO and above to
 * standard error as {@link #PATTERN} (written by {@link LogLayout}), logback's own status messages silenced. Logback finds it
 * through META-INF/services before it looks for logback.xml, so start-up skips the XML parser and
 * Joran (a fifth of the JVM's start-up work). With {@code -Dlogback.configurationFile=FILE} this
 * steps aside and logback reads FILE as usual (a copy of logback.xml, edited).
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";
    static final String TARGET = "System.err";
    static final Level LEVEL = Level.INFO;
    /**
     * The Kafka client logs its whole configuration at INFO and a warning for every failed
     * reconnect (once a second while a broker is down): the Kafka output logs and counts
     * undeliverable records itself, once a minute.
     */
    static final java.util.Map<String, Level> QUIET = java.util.Map.of("org.apache.kafka", Level.WARN,
            "org.apache.kafka.clients.NetworkClient", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getStatusManager().add(new NopStatusListener());
        LogLayout layout = new LogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget(TARGET);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(LEVEL);
        root.addAppender(appender);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
