package org.flowmond.ipfix.ie;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The information model one exporter uses: IANA's elements, their RFC 5103 reverses, ntop's
 * process elements and flowmond's own under the configured enterprise number, looked up by name.
 */
public final class InformationElements {
    private final Map<String, InformationElement> byName;

    private InformationElements(Collection<InformationElement> elements) {
        Map<String, InformationElement> map = new LinkedHashMap<>();
        for (InformationElement ie : elements) {
            if (map.putIfAbsent(ie.name(), ie) != null) {
                throw new IllegalArgumentException("duplicate element name " + ie.name());
            }
        }
        this.byName = Map.copyOf(map);
    }

    /** The full model with flowmond's elements under {@code flowmondEnterpriseNumber}. */
    public static InformationElements withFlowmondEnterprise(long flowmondEnterpriseNumber) {
        List<InformationElement> all = new ArrayList<>(IanaElements.ALL);
        all.addAll(ReverseElements.all(IanaElements.ALL));
        all.addAll(NtopElements.ALL);
        all.addAll(NtopTcpElements.ALL);
        all.addAll(FlowmondElements.withEnterprise(flowmondEnterpriseNumber));
        return new InformationElements(all);
    }

    /** The element called {@code name}; throws naming the unknown element. */
    public InformationElement byName(String name) {
        InformationElement ie = byName.get(name);
        if (ie == null) {
            throw new IllegalArgumentException("unknown information element '" + name + "'");
        }
        return ie;
    }

    public Collection<InformationElement> all() {
        return byName.values();
    }
}
