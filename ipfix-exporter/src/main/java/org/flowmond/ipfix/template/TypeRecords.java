package org.flowmond.ipfix.template;

import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;

/**
 * RFC 5610 Information Element Type Records: options records that tell a collector the name,
 * type, semantics and units of an enterprise element, so it can decode and name it. The field
 * list is the one libfixbuf recognises as a type-record template (its {@code ie_type_spec}).
 */
public final class TypeRecords {
    /** RFC 5610 section 3.9: scope is (enterprise, element id). */
    public static final TemplateSpec SPEC = TemplateSpec.options("information-element-type",
            List.of("privateEnterpriseNumber", "informationElementId"),
            List.of("informationElementDataType", "informationElementSemantics", "informationElementUnits",
                    "informationElementRangeBegin", "informationElementRangeEnd",
                    "informationElementName", "informationElementDescription"));

    private TypeRecords() {
    }

    /** Where each type-record element takes its value from in the described element. */
    public static final ElementBinding<InformationElement> BINDING = TypeRecords::writer;

    public static Template<InformationElement> template(InformationElements model) {
        return SPEC.bind(model, BINDING);
    }

    static FieldWriter<InformationElement> writer(InformationElement field) {
        int len = field.length();
        return switch (field.name()) {
            case "privateEnterpriseNumber" -> FieldWriters.unsigned(len, InformationElement::enterpriseNumber);
            case "informationElementId" -> FieldWriters.unsigned(len, InformationElement::id);
            case "informationElementDataType" -> FieldWriters.unsigned(len, ie -> ie.type().code());
            case "informationElementSemantics" -> FieldWriters.unsigned(len, ie -> ie.semantics().code());
            case "informationElementUnits" -> FieldWriters.unsigned(len, ie -> ie.units().code());
            // flowmond declares no value ranges: RFC 5610 section 3.6 says 0..0 means none
            case "informationElementRangeBegin", "informationElementRangeEnd" -> FieldWriters.unsigned(len, ie -> 0);
            case "informationElementName" -> FieldWriters.variableString(InformationElement::name);
            case "informationElementDescription" -> FieldWriters.variableString(InformationElement::description);
            default -> throw new IllegalArgumentException("type records have no " + field.name());
        };
    }
}
