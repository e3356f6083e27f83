package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.NopStatusListener;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The configuration in code is logback.xml's (which stays the file to copy and edit), and steps aside for a file. */
@UnitTest
class LogConfiguratorTest {

    @Test
    void configuresWhatLogbackXmlSays() throws Exception {
        String xml;
        try (InputStream in = LogConfigurator.class.getResourceAsStream("/logback.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(element(xml, "pattern"), LogConfigurator.PATTERN);
        assertEquals(element(xml, "target"), LogConfigurator.TARGET);
        assertTrue(xml.contains("<root level=\"" + LogConfigurator.LEVEL + "\">"), xml);
        assertTrue(xml.contains("<appender name=\"STDERR\" class=\"ch.qos.logback.core.ConsoleAppender\">"), xml);
        assertTrue(xml.contains("<statusListener class=\"" + NopStatusListener.class.getName() + "\"/>"), xml);
        LogConfigurator.QUIET.forEach((name, level) ->
                assertTrue(xml.contains("<logger name=\"" + name + "\" level=\"" + level + "\"/>"), xml));

        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogConfigurator().configure(context));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        LogConfigurator.QUIET.forEach((name, level) -> assertEquals(level, context.getLogger(name).getLevel()));
        ConsoleAppender<?> appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertEquals("System.err", appender.getTarget());
        assertInstanceOf(LogLayout.class, assertInstanceOf(LayoutWrappingEncoder.class, appender.getEncoder()).getLayout());
        assertTrue(context.getStatusManager().getCopyOfStatusListenerList().stream().anyMatch(l -> l instanceof NopStatusListener));
        context.stop();
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineIsLeftToLogback() {
        String before = System.getProperty(LogConfigurator.CONFIGURATION_FILE_PROPERTY);
        System.setProperty(LogConfigurator.CONFIGURATION_FILE_PROPERTY, "/etc/flowmond-logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogConfigurator().configure(context));
            assertEquals(0, context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext() ? 1 : 0);
        } finally {
            if (before == null) {
                System.clearProperty(LogConfigurator.CONFIGURATION_FILE_PROPERTY);
            } else {
                System.setProperty(LogConfigurator.CONFIGURATION_FILE_PROPERTY, before);
            }
        }
    }

    @Test
    void theLayoutWritesWhatThePatternSays() {
        for (boolean packagingData : new boolean[] {false, true}) {
            LoggerContext context = new LoggerContext();
            context.setPackagingDataEnabled(packagingData);
            PatternLayout pattern = new PatternLayout();
            pattern.setContext(context);
            pattern.setPattern(LogConfigurator.PATTERN);
            pattern.start();
            LogLayout layout = new LogLayout();
            layout.setContext(context);
            layout.start();
            Throwable failure = new IllegalStateException("outer", new java.io.IOException("inner"));
            String[][] cases = {
                {"org.flowmond.daemon.pipeline.FlowLoop", "INFO"}, {"org.flowmond.daemon.Main", "WARN"},
                {"org.apache.kafka.clients.NetworkClient", "ERROR"}, {"ROOT", "DEBUG"}, {"NoDots", "TRACE"},
            };
            for (String[] c : cases) {
                for (Throwable t : new Throwable[] {null, failure}) {
                    ch.qos.logback.classic.Logger logger = context.getLogger(c[0]);
                    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.toLevel(c[1]),
                            "attached {} to {}", t, new Object[] {"tc", "eth0"});
                    assertEquals(pattern.doLayout(event), layout.doLayout(event), c[0] + " " + c[1] + " " + t);
                }
            }
            context.stop();
        }
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        assertTrue(m.find(), name + " in logback.xml");
        return m.group(1);
    }
}
