package org.flowmond.ipfix;

import static org.flowmond.ipfix.template.FieldWriters.fixedString;
import static org.flowmond.ipfix.template.FieldWriters.unsigned;
import static org.flowmond.ipfix.template.FieldWriters.variableString;

import java.util.function.Function;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.template.FieldWriter;

/**
 * How the per-process container elements are written from the {@link ContainerInfo} of each side
 * of a record: ntop's container IDs at their fixed length (zero padded, cut at a UTF-8 boundary),
 * flowmond's strings with variable length, the namespace inode as unsigned32.
 */
final class ContainerBinding {
    private ContainerBinding() {
    }

    /** The writer for {@code ie}, or null if it is not one of the per-process container elements. */
    static <R> FieldWriter<R> writerFor(InformationElement ie, Function<R, ContainerInfo> source,
                                        Function<R, ContainerInfo> destination) {
        int len = ie.length();
        return switch (ie.name()) {
            case "SRC_PROC_CONTAINER_ID" -> fixedString(len, r -> source.apply(r).containerId());
            case "DST_PROC_CONTAINER_ID" -> fixedString(len, r -> destination.apply(r).containerId());
            case "sourceContainerRuntime" -> variableString(r -> source.apply(r).runtime());
            case "destinationContainerRuntime" -> variableString(r -> destination.apply(r).runtime());
            case "sourceSystemdUnit" -> variableString(r -> source.apply(r).systemdUnit());
            case "destinationSystemdUnit" -> variableString(r -> destination.apply(r).systemdUnit());
            case "sourcePodUid" -> variableString(r -> source.apply(r).podUid());
            case "destinationPodUid" -> variableString(r -> destination.apply(r).podUid());
            case "sourceNetnsInode" -> unsigned(len, r -> source.apply(r).netnsInode());
            case "destinationNetnsInode" -> unsigned(len, r -> destination.apply(r).netnsInode());
            default -> null;
        };
    }
}
