package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** libbpf's printf-style messages arrive in SLF4J fully formatted (vsnprintf over the va_list). */
@UnitTest
class LibBpfLogTest {

    @Test
    void libbpfMessagesAreFormattedIntoTheLibbpfLogger() {
        Logger logger = (Logger) LoggerFactory.getLogger("libbpf");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            BpfObject.openResource(TestObjects.BINDING_TEST).close(); // open parses only: no root needed
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        // libbpf: pr_debug("loading object '%s' from buffer\n", obj_name) — %s substituted, newline stripped.
        assertTrue(lines.contains("libbpf: loading object 'binding_test' from buffer"), String.join("\n", lines));
        // "%u"/"%d" arguments too: the .rodata section has a known size.
        assertTrue(lines.stream().anyMatch(l -> l.matches("libbpf: elf: section\\(\\d+\\) \\.rodata, size \\d+, .*")),
                String.join("\n", lines));
    }
}
