package org.flowmond.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The example alert rules (packaging/flowmond-alerts.yml) as Prometheus reads them: promtool
 * accepts them, its rule unit tests (packaging/flowmond-alerts.test.yml) see each alert fire on
 * the series that should raise it, and every flowmond_ metric they name is one the endpoint serves.
 */
@UnitTest
class AlertRulesTest {
    private static final Path RULES = Path.of("..", "packaging", "flowmond-alerts.yml");
    private static final Path RULE_TESTS = Path.of("..", "packaging", "flowmond-alerts.test.yml");

    @Test
    void promtoolAcceptsTheRules() {
        Privileges.requireTool("promtool");
        Tools.Result r = Tools.runUnchecked(List.of("promtool", "check", "rules", RULES.toString()));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("SUCCESS: 5 rules found"), r.stdout());
    }

    @Test
    void eachAlertFiresOnItsSeriesAndOnlyThere() {
        Privileges.requireTool("promtool");
        Tools.Result r = Tools.runUnchecked(List.of("promtool", "test", "rules", RULE_TESTS.toString()));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }

    @Test
    void theRulesNameOnlyMetricsTheEndpointServes() throws Exception {
        Matcher m = Pattern.compile("flowmond_[a-z_]+").matcher(Files.readString(RULES));
        int seen = 0;
        while (m.find()) {
            String name = m.group().replaceAll("_total$", "");
            assertTrue(StatisticNames.familyNames().contains(name),
                    name + " is not a family the endpoint serves: " + StatisticNames.familyNames());
            seen++;
        }
        assertTrue(seen >= 9, "rules name " + seen + " metrics");
    }
}
