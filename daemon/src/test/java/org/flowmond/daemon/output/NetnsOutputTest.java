package org.flowmond.daemon.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.flowmond.bpf.api.Direction;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The counting network namespace of a record, in JSON (FLOWMON_NETNS) and in IPFIX (observationNetnsInode). */
@UnitTest
class NetnsOutputTest {
    private static final IdentitySettings HOST = new IdentitySettings("web-7", "");

    private static BiflowRecord record(long netns) throws Exception {
        return new BiflowRecord(0x0800, 4, 17, new Endpoint(InetAddress.getByName("10.88.0.2"), 40000),
                new Endpoint(InetAddress.getByName("10.88.0.1"), 53), InitiatorRule.FIRST_PACKET, 1, 60, 0, 1, 90, 0,
                1_000_000_000L, 2_000_000_000L, 2, 2, Direction.INGRESS, Direction.EGRESS, FlowEndReason.IDLE_TIMEOUT,
                null, null, netns);
    }

    @Test
    void jsonNamesTheNamespaceAfterTheInterfaces() throws Exception {
        String line = NprobeJson.biflow(record(4026532281L), HOST);
        assertTrue(line.contains("\"FLOWMON_INITIATOR_RULE\":\"first_packet\",\"FLOWMON_NETNS\":4026532281,"), line);
    }

    @Test
    void jsonLeavesAnUnknownNamespaceOut() throws Exception {
        assertFalse(NprobeJson.biflow(record(0), HOST).contains("FLOWMON_NETNS"));
    }

    @Test
    void ipfixCarriesTheNamespace() throws Exception {
        assertEquals(4026532281L, IpfixOutput.toIpfix(record(4026532281L), 1).observationNetns());
    }
}
