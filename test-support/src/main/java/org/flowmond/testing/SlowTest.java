package org.flowmond.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier "slow": needs no root either, but takes seconds per class: a real Kafka broker or a
 * plain-user collector (nfcapd, nfacctd) as a child, or a client waiting out its own network
 * time-outs ({@code mvn test -Dgroups=slow}). Kept apart so that the unit tier stays under a minute.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface SlowTest {
}
