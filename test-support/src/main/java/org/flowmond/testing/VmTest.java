package org.flowmond.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier "vm": boots qemu guests with other kernels or systemd as PID 1 (the daemon jar tests run in
 * the package phase: {@code mvn verify -Dgroups=vm} with the kernels named as packaging/test-all.sh does).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("vm")
public @interface VmTest {
}
