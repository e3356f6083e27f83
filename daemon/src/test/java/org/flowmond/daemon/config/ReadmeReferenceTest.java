package org.flowmond.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** README's "Configuration reference" lists every key of reference.conf, and no key that is gone. */
@UnitTest
class ReadmeReferenceTest {

    @Test
    void everyKeyIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> keys = ConfigFactory.parseResources(SettingsLoader.class, "/reference.conf").entrySet().stream()
                .map(Map.Entry::getKey).sorted().collect(Collectors.toList());
        List<String> missing = keys.stream().filter(k -> !readme.contains("| `" + k + "` |")).collect(Collectors.toList());
        assertEquals(List.of(), missing, "keys of reference.conf missing from README.md's table");
        List<String> documented = readme.lines().filter(l -> l.startsWith("| `flowmon."))
                .map(l -> l.substring(3, l.indexOf('`', 3))).sorted().collect(Collectors.toList());
        assertEquals(keys, documented, "README.md's table and reference.conf differ");
    }
}
