package org.flowmond.daemon.output;

import org.flowmond.daemon.container.CgroupLayouts;
import org.flowmond.daemon.container.ContainerIdentity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.flowmond.bpf.api.Direction;
import org.flowmond.daemon.config.IdentitySettings;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** One biflow as the exact JSON line --json and the Kafka output write, identity fields included. */
@UnitTest
class NprobeJsonTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final IdentitySettings HOST = new IdentitySettings("web-7", "00112233445566778899aabbccddeeff");

    static BiflowRecord record(String clientName) throws Exception {
        ProcessInfo client = new ProcessInfo(4321, clientName, 1000, "alice", 1, "bash", 7, "/user.slice", ContainerIdentity.unknown());
        return new BiflowRecord(0x0800, 4, 6, new Endpoint(InetAddress.getByName("10.0.0.2"), 40000),
                new Endpoint(InetAddress.getByName("10.0.0.1"), 80), InitiatorRule.SYSCALL, 3, 300, 0x1b, 2, 200, 0x1b,
                T0, T0 + 1_500_000_000L, 2, 2, Direction.EGRESS, Direction.INGRESS, FlowEndReason.END_OF_FLOW,
                new Attribution(client, OwnerMethod.CONNECT, new SyscallStats(1, T0, T0)), null);
    }

    @Test
    void aBiflowIsOneLineWithNprobesNamesAndItsHost() throws Exception {
        assertEquals("{\"FLOWMON_RECORD\":\"biflow\",\"IPV4_SRC_ADDR\":\"10.0.0.2\",\"IPV4_DST_ADDR\":\"10.0.0.1\","
                + "\"L4_SRC_PORT\":40000,\"L4_DST_PORT\":80,\"PROTOCOL\":6,\"IP_PROTOCOL_VERSION\":4,\"IN_PKTS\":3,"
                + "\"IN_BYTES\":300,\"OUT_PKTS\":2,\"OUT_BYTES\":200,\"TCP_FLAGS\":27,\"CLIENT_TCP_FLAGS\":27,"
                + "\"SERVER_TCP_FLAGS\":27,\"FLOW_START_MILLISECONDS\":1700000000000,\"FLOW_END_MILLISECONDS\":1700000001500,"
                + "\"FLOW_END_REASON\":3,\"FLOWMON_FWD_IFINDEX\":2,\"FLOWMON_REV_IFINDEX\":2,\"FLOWMON_INITIATOR_RULE\":\"syscall\","
                + "\"SRC_PROC_PID\":4321,\"SRC_PROC_NAME\":\"curl\",\"SRC_PROC_UID\":1000,\"SRC_PROC_USER_NAME\":\"alice\","
                + "\"SRC_FATHER_PROC_PID\":1,\"SRC_FATHER_PROC_NAME\":\"bash\",\"SRC_PROC_CONTAINER_ID\":\"\","
                + "\"FLOWMON_SRC_PROC_CGROUP_ID\":7,\"FLOWMON_SRC_PROC_CGROUP\":\"/user.slice\","
                + "\"FLOWMON_SRC_PROC_ATTRIBUTION\":\"connect\",\"FLOWMON_SRC_SYSCALL_COUNT\":1,"
                + "\"FLOWMON_DST_PROC_ATTRIBUTION\":\"none\",\"NPROBE_INSTANCE_NAME\":\"web-7\","
                + "\"FLOWMON_MACHINE_ID\":\"00112233445566778899aabbccddeeff\"}", NprobeJson.biflow(record("curl"), HOST));
    }

    @Test
    void aContainersRuntimeUnitAndPodAreNamedWhenKnown() throws Exception {
        String path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1d0d9c5e_8a7b_4c3d_9e2f_0a1b2c3d4e5f.slice"
                + "/crio-9d3e0a7c41f2b7e0c5d4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2.scope";
        ProcessInfo p = new ProcessInfo(4321, "envoy", 0, "root", 1, "conmon", 7, path, CgroupLayouts.identify(path));
        BiflowRecord r = new BiflowRecord(0x0800, 4, 6, new Endpoint(InetAddress.getByName("10.0.0.2"), 40000),
                new Endpoint(InetAddress.getByName("10.0.0.1"), 80), InitiatorRule.SYSCALL, 3, 300, 0x1b, 2, 200, 0x1b,
                T0, T0 + 1_500_000_000L, 2, 2, Direction.EGRESS, Direction.INGRESS, FlowEndReason.END_OF_FLOW,
                new Attribution(p, OwnerMethod.CONNECT, null), null);
        String line = NprobeJson.biflow(r, HOST);
        assertEquals(true, line.contains("\"SRC_PROC_CONTAINER_ID\":\"9d3e0a7c41f2b7e0c5d4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2\",\"FLOWMON_SRC_PROC_CGROUP_ID\":7,"
                + "\"FLOWMON_SRC_PROC_CGROUP\":\"" + path + "\",\"FLOWMON_SRC_CONTAINER_RUNTIME\":\"cri-o\","
                + "\"FLOWMON_SRC_SYSTEMD_UNIT\":\"crio-9d3e0a7c41f2b7e0c5d4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2.scope\","
                + "\"FLOWMON_SRC_POD_UID\":\"1d0d9c5e-8a7b-4c3d-9e2f-0a1b2c3d4e5f\","), line);
    }

    @Test
    void stringsAreEscapedAndUtf8() throws Exception {
        String name = "a\"b\\c\n\u0001é€\uD83D\uDE00";
        String line = NprobeJson.biflow(record(name), HOST);
        assertEquals(true, line.contains("\"SRC_PROC_NAME\":\"a\\\"b\\\\c\\n\\u0001é€\uD83D\uDE00\""), line);
        assertArrayEquals(line.getBytes(StandardCharsets.UTF_8), NprobeJson.biflowUtf8(record(name), HOST));
    }

    @Test
    void withoutAMachineIdTheFieldIsLeftOut() throws Exception {
        String line = NprobeJson.biflow(record("curl"), new IdentitySettings("web-7", ""));
        assertEquals(true, line.endsWith("\"NPROBE_INSTANCE_NAME\":\"web-7\"}"), line);
    }

    @Test
    void tcpHealthTakesNprobesNamesAndHalvesTheHandshakeInFractionalMilliseconds() throws Exception {
        BiflowRecord plain = record("curl");
        BiflowRecord r = new BiflowRecord(plain.ethProto(), plain.ipVersion(), plain.protocol(), plain.src(), plain.dst(),
                plain.initiatorRule(), plain.fwdPackets(), plain.fwdBytes(), plain.fwdTcpFlags(), plain.revPackets(),
                plain.revBytes(), plain.revTcpFlags(), plain.startNanos(), plain.endNanos(), plain.fwdIfindex(),
                plain.revIfindex(), plain.fwdHook(), plain.revHook(), plain.reason(), plain.srcProcess(),
                plain.dstProcess(), 0, new org.flowmond.ipfix.TcpHealth(125, 20_062, 19_000, 20_500, 31_000, 3, 4344, 1,
                        0, 2, 0, 1, 0, 0, 4));
        String line = NprobeJson.biflow(r, HOST);
        assertEquals(true, line.contains("\"FLOWMON_INITIATOR_RULE\":\"syscall\",\"CLIENT_NW_LATENCY_MS\":0.062,"
                + "\"SERVER_NW_LATENCY_MS\":10.031,\"RETRANSMITTED_IN_PKTS\":3,\"RETRANSMITTED_IN_BYTES\":4344,"
                + "\"RETRANSMITTED_OUT_PKTS\":1,\"RETRANSMITTED_OUT_BYTES\":0,\"OOORDER_IN_PKTS\":2,\"OOORDER_OUT_PKTS\":0,"
                + "\"FLOWMON_CLIENT_HANDSHAKE_US\":125,\"FLOWMON_SERVER_HANDSHAKE_US\":20062,\"FLOWMON_RTT_MIN_US\":19000,"
                + "\"FLOWMON_RTT_MEAN_US\":20500,\"FLOWMON_RTT_MAX_US\":31000,\"FLOWMON_RST_IN_TOTAL\":1,"
                + "\"FLOWMON_RST_OUT_TOTAL\":0,\"FLOWMON_ZERO_WINDOW_IN_PKTS\":0,\"FLOWMON_ZERO_WINDOW_OUT_PKTS\":4,"
                + "\"SRC_PROC_PID\":4321,"), line);
    }
}
