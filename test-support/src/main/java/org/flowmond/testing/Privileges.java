package org.flowmond.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Objects;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards for tests that need root, BPF or an external tool. On a laptop such a test is
 * skipped with a loud reason; in CI ({@code CI=true}) it fails, because CI must run everything.
 */
public final class Privileges {
    private Privileges() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(Objects.requireNonNullElse(System.getenv("CI"), ""));
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Skips (locally) or fails (in CI) unless running as root. */
    public static void requireRoot() {
        require(isRoot(), "this test needs root (BPF, tc, network namespaces)");
    }

    /** Skips (locally) or fails (in CI) unless {@code tool} is on the PATH. */
    public static void requireTool(String tool) {
        require(Tools.onPath(tool), "this test needs '" + tool + "' on the PATH (packaging/install-deps.sh installs it)");
    }

    /**
     * Skips (locally) or fails (in CI) unless the opt-in system property {@code name} is set, as
     * packaging/test-all.sh sets it for the long qemu tests (a plain {@code mvn verify} leaves it unset).
     */
    public static void requireSystemProperty(String name, String example) {
        require(!System.getProperty(name, "").isBlank(),
                "opt-in: needs -D" + name + "=" + example + " (packaging/test-all.sh sets it)");
    }

    /** Skips (locally) or fails (in CI) unless {@code condition} holds. */
    public static void require(boolean condition, String why) {
        if (condition) {
            return;
        }
        if (inCi()) {
            fail("cannot run in CI: " + why);
        }
        System.err.println("SKIPPED (not in CI): " + why);
        Assumptions.abort(why);
    }
}
