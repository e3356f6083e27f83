package org.flowmond.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier "root": needs root in this kernel: BPF programs, tc hooks, network namespaces, veths, packet
 * capture ({@code mvn test -Dgroups=root}, under the shared lock; see README "Testing").
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("root")
public @interface RootTest {
}
