package org.flowmond.bpf.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The kernel codes of {@code enum owner_method} and {@code enum connect_outcome} (flowmon.h), by name. */
@UnitTest
class OwnerCodesTest {

    @Test
    void ownerMethodsCarryFlowmonHCodes() {
        Map<OwnerMethod, Integer> flowmonH = Map.of(OwnerMethod.CONNECT, 1, OwnerMethod.ACCEPT, 2,
                OwnerMethod.EXISTING, 3, OwnerMethod.SEND, 4, OwnerMethod.RECEIVE, 5);
        flowmonH.forEach((m, code) -> {
            assertEquals(code, m.code(), m.name());
            assertEquals(m, OwnerMethod.fromCode(code));
        });
        assertEquals(flowmonH.size(), OwnerMethod.values().length);
        assertThrows(IllegalArgumentException.class, () -> OwnerMethod.fromCode(0));
        assertThrows(IllegalArgumentException.class, () -> OwnerMethod.fromCode(6));
    }

    @Test
    void connectOutcomesCarryFlowmonHCodes() {
        Map<ConnectOutcome, Integer> flowmonH = Map.of(ConnectOutcome.NONE, 0, ConnectOutcome.ESTABLISHED, 1,
                ConnectOutcome.REFUSED, 2, ConnectOutcome.TIMED_OUT, 3, ConnectOutcome.UNREACHABLE, 4,
                ConnectOutcome.OTHER, 5);
        flowmonH.forEach((o, code) -> {
            assertEquals(code, o.code(), o.name());
            assertEquals(o, ConnectOutcome.fromCode(code));
        });
        assertEquals(flowmonH.size(), ConnectOutcome.values().length);
        assertThrows(IllegalArgumentException.class, () -> ConnectOutcome.fromCode(6));
    }
}
