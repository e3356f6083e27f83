package org.flowmond.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.Tools;

/** Runs daemon/target/flowmond.jar as a separate process (the *JarTest classes run after `package`). */
final class JarProcess {

    static final Path JAR = Path.of("target", "flowmond.jar").toAbsolutePath();

    private JarProcess() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** java -jar flowmond.jar args..., to completion. */
    static Tools.Result run(String... args) {
        if (!Files.isReadable(JAR)) {
            throw new IllegalStateException(JAR + " is missing: *JarTest classes run in the package phase, after the shade plugin");
        }
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return Tools.runUnchecked(command);
    }
}
