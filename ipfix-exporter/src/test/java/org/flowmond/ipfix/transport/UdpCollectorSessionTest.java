package org.flowmond.ipfix.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class UdpCollectorSessionTest {
    @Test
    void kernelReportsOfAnUnreachableCollectorAreCountedAsUnreachable() {
        assertTrue(UdpCollectorSession.isUnreachable(new PortUnreachableException()));
        assertTrue(UdpCollectorSession.isUnreachable(new NoRouteToHostException("No route to host")));
        assertTrue(UdpCollectorSession.isUnreachable(new SocketException("Network is unreachable")));
        assertFalse(UdpCollectorSession.isUnreachable(new SocketException("Message too long")));
        assertFalse(UdpCollectorSession.isUnreachable(new IOException("disk full")));
    }
}
