package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** {@link TcCounter} lists {@code enum flowmon_tc_counter} of flowmon.h in the same order, each with its value. */
@UnitTest
class TcCounterTest {

    @Test
    void matchesTheEnumInFlowmonH() throws Exception {
        String header = Files.readString(Path.of("src/main/c/flowmon.h")); // Maven runs tests in the module folder
        Matcher body = Pattern.compile("enum flowmon_tc_counter \\{(.*?)\\};", Pattern.DOTALL).matcher(header);
        body.find();
        List<String> inHeader = new ArrayList<>();
        Matcher entry = Pattern.compile("^\\s*TC_CTR_(\\w+)", Pattern.MULTILINE).matcher(body.group(1));
        while (entry.find()) {
            inHeader.add(entry.group(1));
        }
        List<String> inJava = new ArrayList<>(Arrays.stream(TcCounter.values()).map(Enum::name).toList());
        inJava.add("MAX");
        assertEquals(inHeader, inJava);
        for (TcCounter c : TcCounter.values()) {
            assertEquals(inHeader.indexOf(c.name()), c.index, c.name()); // the header's values are implicit: 0, 1, ...
        }
    }
}
