package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.IpfixDecoder;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Records → packer → encoder → independent decoder: every field comes back as sent. */
@UnitTest
class RoundTripTest {
    private static final int MAX = 1500 - 28;

    private static List<IpfixDecoder.DataRecord> roundTrip(ExportTemplates templates, List<?> records) {
        List<IpfixMessage> messages = new ArrayList<>(templates.announcement(MAX, 9, () -> 1));
        MessagePacker packer = new MessagePacker(MAX, 9, () -> 1, messages::add);
        for (Object r : records) {
            if (r instanceof FlowRecord f) {
                templates.packFlow(f, packer);
            } else {
                templates.packSyscallFlow((SyscallFlowRecord) r, packer);
            }
        }
        packer.flush();
        IpfixDecoder decoder = new IpfixDecoder(templates.model);
        List<IpfixDecoder.DataRecord> out = new ArrayList<>();
        for (IpfixMessage m : messages) {
            ByteBuf buf = Unpooled.buffer();
            IpfixMessageEncoder.INSTANCE.encode(m, buf);
            assertTrue(buf.readableBytes() <= MAX);
            IpfixDecoder.Message decoded = decoder.decode(buf);
            assertEquals(m.encodedLength(), decoded.length());
            assertEquals(decoded.records().stream().anyMatch(r -> r.templateId() == templates.typeRecords.templateId())
                    ? ExportTemplates.OPTIONS_DOMAIN : 9, decoded.observationDomainId());
            for (IpfixDecoder.DataRecord d : decoded.records()) {
                if (d.templateId() != templates.typeRecords.templateId()) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void everyFlowFieldComesBackAsSent(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        List<FlowRecord> flows = new ArrayList<>(TestFlows.flows(300, 42, 0));
        flows.add(TestFlows.hugeCounters());
        List<Map<String, Object>> expected = new ArrayList<>();
        for (FlowRecord f : flows) {
            expected.addAll(ExpectedValues.flow(f, mode));
        }
        List<IpfixDecoder.DataRecord> decoded = roundTrip(templates, flows);
        assertEquals(expected.size(), decoded.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), decoded.get(i).values(), "record " + i);
            int version = expected.get(i).containsKey("sourceIPv4Address") ? 4 : 6;
            assertEquals((version == 4 ? templates.flowIpv4 : templates.flowIpv6).templateId(),
                    decoded.get(i).templateId());
        }
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void tcpHealthComesBackAsSentInTheTcpTemplates(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        List<FlowRecord> flows = TestFlows.flowsWithTcpHealth(300, 43, 0);
        List<Map<String, Object>> expected = new ArrayList<>();
        flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, mode)));
        List<IpfixDecoder.DataRecord> decoded = roundTrip(templates, flows);
        assertEquals(expected.size(), decoded.size());
        int withHealth = 0;
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> want = expected.get(i);
            assertEquals(want, decoded.get(i).values(), "record " + i);
            boolean v4 = want.containsKey("sourceIPv4Address");
            boolean tcp = want.containsKey("tcpRstTotalCount");
            withHealth += tcp ? 1 : 0;
            assertEquals((tcp ? (v4 ? templates.tcpFlowIpv4 : templates.tcpFlowIpv6)
                    : (v4 ? templates.flowIpv4 : templates.flowIpv6)).templateId(), decoded.get(i).templateId());
        }
        assertTrue(withHealth > 100 && withHealth < expected.size() - 50, "both kinds: " + withHealth);
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void syscallFlowsWithConnectHealthComeBackAsSent(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        List<SyscallFlowRecord> flows = TestFlows.syscallFlowsWithConnectHealth(40);
        List<IpfixDecoder.DataRecord> decoded = roundTrip(templates, flows);
        assertEquals(flows.stream().map(ExpectedValues::syscallFlow).toList(),
                decoded.stream().map(IpfixDecoder.DataRecord::values).toList());
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void syscallFlowsComeBackAsSent(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        List<SyscallFlowRecord> flows = TestFlows.syscallFlows(40);
        List<IpfixDecoder.DataRecord> decoded = roundTrip(templates, flows);
        assertEquals(flows.size(), decoded.size());
        for (int i = 0; i < flows.size(); i++) {
            assertEquals(ExpectedValues.syscallFlow(flows.get(i)), decoded.get(i).values());
        }
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void typeRecordsDescribeEveryEnterpriseElementOfTheDataTemplates(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473);
        IpfixDecoder decoder = new IpfixDecoder(templates.model);
        List<String> described = new ArrayList<>();
        for (IpfixMessage m : templates.announcement(MAX, 1, () -> 1)) {
            ByteBuf buf = Unpooled.buffer();
            IpfixMessageEncoder.INSTANCE.encode(m, buf);
            for (IpfixDecoder.DataRecord d : decoder.decode(buf).records()) {
                described.add(d.unsigned("privateEnterpriseNumber") + "/" + d.unsigned("informationElementId")
                        + "=" + d.string("informationElementName"));
            }
        }
        List<String> expected = java.util.stream.Stream.concat(templates.dataTemplates().stream(),
                        java.util.stream.Stream.of(templates.daemonHealth, templates.statistics))
                .flatMap(t -> t.elements().stream())
                .filter(ie -> ie.isEnterprise() && ie.enterpriseNumber() != 29305)
                .distinct()
                .map(ie -> ie.enterpriseNumber() + "/" + ie.id() + "=" + ie.name())
                .toList();
        assertEquals(expected, described);
        assertTrue(described.contains("32473/102=meanTimeBetweenSyscalls"));
        assertTrue(described.contains("35632/169=SRC_PROC_NAME"));
        assertTrue(described.contains("32473/116=probeVariant"));
        assertTrue(described.contains("32473/118=refusedFlowCount"));
        assertTrue(described.contains("35632/124=SERVER_NW_LATENCY_MS"));
        assertTrue(described.contains("32473/129=clientHandshakeMicroseconds"));
        assertTrue(described.contains("32473/138=connectRetransmittedPacketDeltaCount"));
    }

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void daemonHealthComesBackAsSentInTheOptionsDomain(BiflowMode mode) {
        ExportTemplates templates = new ExportTemplates(mode, 32473, 4242);
        IpfixDecoder decoder = new IpfixDecoder(templates.model);
        for (IpfixMessage m : templates.announcement(MAX, 9, () -> 1)) {
            ByteBuf buf = Unpooled.buffer();
            IpfixMessageEncoder.INSTANCE.encode(m, buf);
            decoder.decode(buf); // learns the options templates
        }
        DaemonHealth health = new DaemonHealth(17, 1L << 63, 3, 4, 5, 6, ProbeVariant.KPROBE);
        ByteBuf buf = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(new IpfixMessage(1, 0, ExportTemplates.OPTIONS_DOMAIN,
                List.of(new DataSet<>(templates.daemonHealth, List.of(health)))), buf);
        IpfixDecoder.Message decoded = decoder.decode(buf);
        assertEquals(ExportTemplates.OPTIONS_DOMAIN, decoded.observationDomainId());
        assertEquals(1, decoded.records().size());
        assertEquals(templates.daemonHealth.templateId(), decoded.records().get(0).templateId());
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("exportingProcessId", 4242L);
        expected.put("flowsActive", 17L);
        expected.put("flowsExported", 1L << 63);
        expected.put("droppedMapFull", 3L);
        expected.put("droppedRingBuffer", 4L);
        expected.put("droppedSendQueue", 5L);
        expected.put("droppedEventQueue", 6L);
        expected.put("probeVariant", 2L);
        assertEquals(expected, decoded.records().get(0).values());
    }
}
