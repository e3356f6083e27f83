package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The first occurrence is logged; repeats within the interval are counted into the next line. */
@UnitTest
class RateLimitedLoggerTest {

    @Test
    void repeatsWithinTheIntervalAreSuppressed() {
        ListAppender<ILoggingEvent> appender = appender("rate-limited-hour");
        RateLimitedLogger log = new RateLimitedLogger(LoggerFactory.getLogger("rate-limited-hour"), 1, TimeUnit.HOURS);
        log.warn("ring full", null);
        log.warn("ring full", null);
        log.warn("ring full", null);
        assertEquals(List.of("ring full"), messages(appender));
    }

    @Test
    void aZeroIntervalLogsEveryTimeWithNothingSuppressed() {
        ListAppender<ILoggingEvent> appender = appender("rate-limited-zero");
        RateLimitedLogger log = new RateLimitedLogger(LoggerFactory.getLogger("rate-limited-zero"), 0, TimeUnit.SECONDS);
        log.warn("a", null);
        log.warn("b", null);
        assertEquals(List.of("a", "b"), messages(appender));
    }

    @Test
    void aFormattedWarningSaysHowManyWereSuppressed() {
        ListAppender<ILoggingEvent> appender = appender("rate-limited-formatted");
        long[] now = {0};
        RateLimitedLogger log = new RateLimitedLogger(LoggerFactory.getLogger("rate-limited-formatted"), 1,
                TimeUnit.SECONDS, () -> now[0]);
        log.warn("queue full ({} waiting): {} dropped", 7, 1);
        log.warn("queue full ({} waiting): {} dropped", 7, 2);
        log.warn("queue full ({} waiting): {} dropped", 7, 3);
        now[0] = TimeUnit.SECONDS.toNanos(1);
        log.warn("queue full ({} waiting): {} dropped", 7, 4);
        assertEquals(List.of("queue full (7 waiting): 1 dropped",
                "queue full (7 waiting): 4 dropped (2 more since the last such warning)"), messages(appender));
    }

    private static ListAppender<ILoggingEvent> appender(String name) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(name)).addAppender(appender);
        return appender;
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
