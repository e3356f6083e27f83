package org.flowmond.ipfix;

import static org.flowmond.ipfix.template.FieldWriters.unsigned;

import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.template.ElementBinding;
import org.flowmond.ipfix.template.FieldWriter;
import org.flowmond.ipfix.template.TemplateSpec;

/**
 * The daemon health options template and where its elements take their values from in a
 * {@link DaemonHealth}. The scope is the exporting process (its process id), since the numbers
 * describe the daemon, not one observation domain.
 */
final class DaemonHealthBinding implements ElementBinding<DaemonHealth> {
    static final TemplateSpec SPEC = TemplateSpec.options("daemon-health",
            List.of("exportingProcessId"),
            List.of("flowsActive", "flowsExported", "droppedMapFull", "droppedRingBuffer", "droppedSendQueue",
                    "droppedEventQueue", "probeVariant"));

    private final long exportingProcessId;

    DaemonHealthBinding(long exportingProcessId) {
        this.exportingProcessId = exportingProcessId;
    }

    @Override
    public FieldWriter<DaemonHealth> writerFor(InformationElement ie) {
        int len = ie.length();
        return switch (ie.name()) {
            case "exportingProcessId" -> unsigned(len, h -> exportingProcessId);
            case "flowsActive" -> unsigned(len, DaemonHealth::flowsActive);
            case "flowsExported" -> unsigned(len, DaemonHealth::flowsExported);
            case "droppedMapFull" -> unsigned(len, DaemonHealth::droppedMapFull);
            case "droppedRingBuffer" -> unsigned(len, DaemonHealth::droppedRingBuffer);
            case "droppedSendQueue" -> unsigned(len, DaemonHealth::droppedSendQueue);
            case "droppedEventQueue" -> unsigned(len, DaemonHealth::droppedEventQueue);
            case "probeVariant" -> unsigned(len, h -> h.probeVariant().code());
            default -> throw new IllegalArgumentException("daemon health records have no value for " + ie);
        };
    }
}
