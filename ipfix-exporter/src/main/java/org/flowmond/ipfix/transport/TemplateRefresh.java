package org.flowmond.ipfix.transport;

import java.time.Duration;

/**
 * When a session re-sends its templates (RFC 7011 section 8.4: over UDP, templates are re-sent
 * periodically so a collector that starts late or restarts learns them).
 *
 * @param interval re-send after this long
 * @param messages re-send after this many data messages; 0 means by time only
 */
public record TemplateRefresh(Duration interval, int messages) {
    /** Templates once at the start (an IPFIX file). */
    public static final TemplateRefresh ONCE = new TemplateRefresh(Duration.ofNanos(Long.MAX_VALUE), 0);

    boolean due(boolean sentBefore, long nanosSinceLast, int messagesSinceLast) {
        if (!sentBefore) {
            return true;
        }
        return nanosSinceLast >= interval.toNanos() || (messages > 0 && messagesSinceLast >= messages);
    }
}
