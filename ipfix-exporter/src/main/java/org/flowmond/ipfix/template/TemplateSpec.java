package org.flowmond.ipfix.template;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElements;

/**
 * A template declared as lists of element names: scope elements (options templates only) and
 * the other elements, in wire order.
 *
 * @param name   what the template is, for logs and tests ("flow-ipv4")
 * @param scope  scope element names; empty for an ordinary template
 * @param fields the other element names
 */
public record TemplateSpec(String name, List<String> scope, List<String> fields) {

    public TemplateSpec {
        scope = List.copyOf(scope);
        fields = List.copyOf(fields);
    }

    public static TemplateSpec of(String name, List<String> fields) {
        return new TemplateSpec(name, List.of(), fields);
    }

    public static TemplateSpec options(String name, List<String> scope, List<String> fields) {
        if (scope.isEmpty()) {
            throw new IllegalArgumentException(name + ": an options template needs scope fields");
        }
        return new TemplateSpec(name, scope, fields);
    }

    /** All element names, scope first. */
    public List<String> elementNames() {
        List<String> all = new ArrayList<>(scope);
        all.addAll(fields);
        return all;
    }

    /** Resolves the names in {@code model}, binds them to record values and gives the template its id. */
    public <R> Template<R> bind(InformationElements model, ElementBinding<R> binding) {
        return Template.bind(this, model, binding);
    }
}
