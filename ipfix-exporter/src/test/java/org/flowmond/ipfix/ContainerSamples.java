package org.flowmond.ipfix;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.template.FieldWriter;
import org.flowmond.ipfix.template.FieldWriters;
import org.flowmond.ipfix.template.TemplateSpec;

/** Test records carrying the container elements, for the golden and the collector tests. */
public final class ContainerSamples {
    public static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);

    private ContainerSamples() {
    }

    /** Both sides of a flow and the namespace its packets were counted in. */
    public record Sides(ContainerInfo source, ContainerInfo destination, long observationNetnsInode) {
    }

    /** A flow with just enough standard fields for a collector to take it as one, keyed by flowId. */
    public record Flow(long flowId, int sourcePort, Sides sides) {
    }

    public static final List<String> FIELDS = List.of("SRC_PROC_CONTAINER_ID", "DST_PROC_CONTAINER_ID",
            "sourceContainerRuntime", "destinationContainerRuntime", "sourceSystemdUnit", "destinationSystemdUnit",
            "sourcePodUid", "destinationPodUid", "sourceNetnsInode", "destinationNetnsInode", "observationNetnsInode");

    /** A Podman container (host cgroupfs layout) talking to a CRI-O container in a Kubernetes pod. */
    public static final Sides SAMPLE = new Sides(
            new ContainerInfo("21a3d01cea81d3327da41e1cf92fa3a1f14ecbd75e4f1a74bf616b63d3138a8c", "podman", "", "",
                    4026532177L),
            new ContainerInfo("9d3e0a7c41f2", "cri-o", "crio-9d3e0a7c41f2.scope",
                    "1d0d9c5e-8a7b-4c3d-9e2f-0a1b2c3d4e5f", 4026532300L),
            4026531833L);

    /** A host service (sshd) answering a pod; the UTF-8 machine name is cut at 16 octets on a character boundary. */
    public static final Sides SECOND = new Sides(
            new ContainerInfo("café-bookworm-äöü", "machined", "machine-caf\\xc3\\xa9.scope", "", 4026532400L),
            new ContainerInfo("", "systemd", "ssh.service", "", 4026531833L),
            4026531833L);

    public static FieldWriter<Sides> writer(InformationElement ie) {
        if (ie.name().equals("observationNetnsInode")) {
            return FieldWriters.unsigned(ie.length(), Sides::observationNetnsInode);
        }
        FieldWriter<Sides> w = ContainerBinding.writerFor(ie, Sides::source, Sides::destination);
        if (w == null) {
            throw new IllegalArgumentException("no value for " + ie.name());
        }
        return w;
    }

    /** The standard fields, then the container fields. */
    public static TemplateSpec flowSpec() {
        List<String> fields = new ArrayList<>(List.of("sourceIPv4Address", "destinationIPv4Address",
                "sourceTransportPort", "destinationTransportPort", "protocolIdentifier", "packetDeltaCount",
                "octetDeltaCount", "flowId"));
        fields.addAll(FIELDS);
        return TemplateSpec.of("container-flow", fields);
    }

    public static FieldWriter<Flow> flowWriter(InformationElement ie) {
        int len = ie.length();
        return switch (ie.name()) {
            case "sourceIPv4Address" -> FieldWriters.octets(len, f -> address("10.88.0.2"));
            case "destinationIPv4Address" -> FieldWriters.octets(len, f -> address("10.88.0.3"));
            case "sourceTransportPort" -> FieldWriters.unsigned(len, Flow::sourcePort);
            case "destinationTransportPort" -> FieldWriters.unsigned(len, f -> 80);
            case "protocolIdentifier" -> FieldWriters.unsigned(len, f -> 6);
            case "packetDeltaCount" -> FieldWriters.unsigned(len, f -> 10);
            case "octetDeltaCount" -> FieldWriters.unsigned(len, f -> 1000);
            case "flowId" -> FieldWriters.unsigned(len, Flow::flowId);
            default -> {
                FieldWriter<Sides> w = writer(ie);
                yield w instanceof FieldWriter.Variable<Sides> v ? variable(v) : (f, out) -> w.write(f.sides(), out);
            }
        };
    }

    private static FieldWriter<Flow> variable(FieldWriter.Variable<Sides> v) {
        return new FieldWriter.Variable<>() {
            @Override
            public void write(Flow f, io.netty.buffer.ByteBuf out) {
                v.write(f.sides(), out);
            }

            @Override
            public int encodedLength(Flow f) {
                return v.encodedLength(f.sides());
            }
        };
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
