package org.flowmond.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier "unit": runs as any user in this JVM and its children, with no root, no BPF, no network
 * namespace and no tool that needs root ({@code mvn test -Dgroups=unit}). Real collectors that
 * listen on loopback as a plain user (nfcapd, nfacctd, socat) belong here.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("unit")
public @interface UnitTest {
}
