package org.flowmond.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier "unit": runs as any user, in seconds: no root, no BPF, no network namespace, no tool that
 * needs root, no service that takes seconds to start ({@code mvn test -Dgroups=unit}, under a
 * minute for all modules).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("unit")
public @interface UnitTest {
}
