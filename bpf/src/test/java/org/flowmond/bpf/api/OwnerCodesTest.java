package org.flowmond.bpf.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The kernel codes of {@code enum owner_method}, {@code enum connect_outcome}, {@code enum sock_event_kind}
 * and {@code enum flowmon_direction} (flowmon.h), by name: every code round-trips.
 */
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

    @Test
    void socketEventKindsCarryFlowmonHCodes() {
        Map<SocketEventKind, Integer> flowmonH = Map.of(SocketEventKind.CONNECT, 1, SocketEventKind.ACCEPT, 2,
                SocketEventKind.EXISTING, 3);
        flowmonH.forEach((k, code) -> {
            assertEquals(code, k.code(), k.name());
            assertEquals(k, SocketEventKind.fromCode(code));
        });
        assertEquals(flowmonH.size(), SocketEventKind.values().length);
        assertThrows(IllegalArgumentException.class, () -> SocketEventKind.fromCode(0));
        assertThrows(IllegalArgumentException.class, () -> SocketEventKind.fromCode(4));
    }

    @Test
    void directionsCarryFlowmonHCodes() {
        Map<Direction, Integer> flowmonH = Map.of(Direction.INGRESS, 0, Direction.EGRESS, 1);
        flowmonH.forEach((d, code) -> {
            assertEquals(code, d.code(), d.name());
            assertEquals(d, Direction.fromCode(code));
        });
        assertEquals(flowmonH.size(), Direction.values().length);
        assertThrows(IllegalArgumentException.class, () -> Direction.fromCode(2));
    }
}
