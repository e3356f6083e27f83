package org.flowmond.ipfix.template;

import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;

/**
 * One exporter statistics options record (RFC 7011 sections 4.1 to 4.3, merged into one
 * template), scoped to the observation domain. The exported counts are those of one collecting
 * process, as the element definitions require.
 *
 * @param observationDomainId  the scope
 * @param messages             exportedMessageTotalCount
 * @param flowRecords          exportedFlowRecordTotalCount
 * @param octets               exportedOctetTotalCount
 * @param notSentFlowRecords   notSentFlowTotalCount
 * @param ignoredPackets       ignoredPacketTotalCount, as reported by the metering process
 * @param icmpErrors           flowmond's icmpErrorCount: ICMP errors from this (UDP) collector
 * @param refusedFlowRecords   flowmond's refusedFlowCount: flow records in the messages it refused
 */
public record StatisticsRecord(long observationDomainId, long messages, long flowRecords, long octets,
                               long notSentFlowRecords, long ignoredPackets, long icmpErrors,
                               long refusedFlowRecords) {

    public static final TemplateSpec SPEC = TemplateSpec.options("exporter-statistics",
            List.of("observationDomainId"),
            List.of("exportedMessageTotalCount", "exportedFlowRecordTotalCount", "exportedOctetTotalCount",
                    "notSentFlowTotalCount", "ignoredPacketTotalCount", "icmpErrorCount", "refusedFlowCount"));

    /** Where each statistics element takes its value from. */
    public static final ElementBinding<StatisticsRecord> BINDING = StatisticsRecord::writer;

    public static Template<StatisticsRecord> template(InformationElements model) {
        return SPEC.bind(model, BINDING);
    }

    static FieldWriter<StatisticsRecord> writer(InformationElement field) {
        int len = field.length();
        return switch (field.name()) {
            case "observationDomainId" -> FieldWriters.unsigned(len, StatisticsRecord::observationDomainId);
            case "exportedMessageTotalCount" -> FieldWriters.unsigned(len, StatisticsRecord::messages);
            case "exportedFlowRecordTotalCount" -> FieldWriters.unsigned(len, StatisticsRecord::flowRecords);
            case "exportedOctetTotalCount" -> FieldWriters.unsigned(len, StatisticsRecord::octets);
            case "notSentFlowTotalCount" -> FieldWriters.unsigned(len, StatisticsRecord::notSentFlowRecords);
            case "ignoredPacketTotalCount" -> FieldWriters.unsigned(len, StatisticsRecord::ignoredPackets);
            case "icmpErrorCount" -> FieldWriters.unsigned(len, StatisticsRecord::icmpErrors);
            case "refusedFlowCount" -> FieldWriters.unsigned(len, StatisticsRecord::refusedFlowRecords);
            default -> throw new IllegalArgumentException("statistics records have no " + field.name());
        };
    }
}
