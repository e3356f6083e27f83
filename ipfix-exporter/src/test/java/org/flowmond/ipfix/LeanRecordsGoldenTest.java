package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.encode.IpfixMessageEncoder;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records without TCP health (UDP, ICMP, TCP with health disabled) and syscall flows without a
 * connect summary go on the wire exactly as before TCP health existed: the SHA-256 of their
 * templates and of 300 records packed and encoded, computed on main at 03bba5e, before the TCP
 * templates were added.
 */
@UnitTest
class LeanRecordsGoldenTest {
    private static final Map<BiflowMode, String> BEFORE_TCP_HEALTH = Map.of(
            BiflowMode.RFC5103, "dd0822aafd707ebe2f2bd9b5ee5e392b298785c775f22094ea1d9fb5fba91965",
            BiflowMode.NPROBE, "c998d52a8691540bdff7857f5db47b980f01435e0b01de0f0efa8e9b76499ebd",
            BiflowMode.UNIFLOWS, "c4f188de01aba828003c75050cb67ebae9fca1961d4340ca96b714aa8040e2fd");

    @ParameterizedTest
    @EnumSource(BiflowMode.class)
    void templatesAndRecordsWithoutHealthAreByteIdenticalToBefore(BiflowMode mode) throws Exception {
        assertEquals(BEFORE_TCP_HEALTH.get(mode), sha256(leanBytes(new ExportTemplates(mode, 32473))));
    }

    /** The lean templates, then mixed TCP/UDP/ICMP flows and syscall flows, as encoded messages. */
    static byte[] leanBytes(ExportTemplates templates) {
        List<TemplateRecord> lean = List.of(templates.flowIpv4.templateRecord(), templates.flowIpv6.templateRecord(),
                templates.syscallIpv4.templateRecord(), templates.syscallIpv6.templateRecord());
        List<IpfixMessage> messages = new ArrayList<>();
        messages.add(new IpfixMessage(1_700_000_000L, 0, 1, List.of(new TemplateSet(lean))));
        MessagePacker packer = new MessagePacker(1472, 1, () -> 1_700_000_000L, messages::add);
        TestFlows.flows(300, 77, 0).forEach(f -> templates.packFlow(f, packer));
        TestFlows.syscallFlows(8).forEach(s -> templates.packSyscallFlow(s, packer));
        packer.flush();
        ByteBuf out = Unpooled.buffer();
        messages.forEach(m -> IpfixMessageEncoder.INSTANCE.encode(m, out));
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
