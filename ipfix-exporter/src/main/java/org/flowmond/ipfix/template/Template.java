package org.flowmond.ipfix.template;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.OptionsTemplateRecord;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;

/**
 * A template bound to a record type: its wire definition (a {@link TemplateRecord} or an
 * {@link OptionsTemplateRecord}) and one {@link FieldWriter} per field, which together encode
 * records of type R as data records of this template.
 */
public final class Template<R> implements RecordLayout<R> {
    private static final int VARIABLE = -1;

    private final String name;
    private final int templateId;
    private final int scopeFieldCount;
    private final List<InformationElement> elements;
    private final List<FieldSpecifier> fields;
    private final FieldWriter<R>[] writers;
    private final FieldWriter.Variable<R>[] variableWriters;
    /** Sum of the fixed field lengths; the record length when there is no variable field. */
    private final int fixedLength;

    @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays: the writers of one record type
    private Template(String name, int templateId, int scopeFieldCount, List<InformationElement> elements,
                     List<FieldWriter<R>> writers) {
        this.name = name;
        this.templateId = templateId;
        this.scopeFieldCount = scopeFieldCount;
        this.elements = List.copyOf(elements);
        this.fields = elements.stream().map(FieldSpecifier::of).toList();
        this.writers = writers.toArray(new FieldWriter[0]);
        List<FieldWriter.Variable<R>> variables = new ArrayList<>();
        int fixed = 0;
        for (int i = 0; i < elements.size(); i++) {
            InformationElement ie = elements.get(i);
            if (ie.isVariableLength()) {
                if (!(this.writers[i] instanceof FieldWriter.Variable<R> v)) {
                    throw new IllegalArgumentException(name + ": " + ie + " is variable-length but its writer is not");
                }
                variables.add(v);
            } else {
                fixed += ie.length();
            }
        }
        this.variableWriters = variables.toArray(new FieldWriter.Variable[0]);
        this.fixedLength = fixed;
    }

    static <R> Template<R> bind(TemplateSpec spec, InformationElements model, ElementBinding<R> binding) {
        List<InformationElement> elements = spec.elementNames().stream().map(model::byName).toList();
        List<FieldSpecifier> fields = elements.stream().map(FieldSpecifier::of).toList();
        int id = TemplateIds.idFor(spec.scope().size(), fields);
        return withId(spec, id, model, binding);
    }

    /** Binds with a given id: for golden-byte tests that need a fixed id. */
    public static <R> Template<R> withId(TemplateSpec spec, int templateId, InformationElements model,
                                         ElementBinding<R> binding) {
        List<InformationElement> elements = spec.elementNames().stream().map(model::byName).toList();
        List<FieldWriter<R>> writers = new ArrayList<>();
        for (InformationElement ie : elements) {
            try {
                writers.add(binding.writerFor(ie));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(spec.name() + ": " + e.getMessage(), e);
            }
        }
        return new Template<>(spec.name(), templateId, spec.scope().size(), elements, writers);
    }

    public String name() {
        return name;
    }

    @Override
    public int templateId() {
        return templateId;
    }

    public boolean isOptions() {
        return scopeFieldCount > 0;
    }

    public int scopeFieldCount() {
        return scopeFieldCount;
    }

    public List<InformationElement> elements() {
        return elements;
    }

    public List<FieldSpecifier> fields() {
        return fields;
    }

    /** The definition to send in a Template Set; only for ordinary templates. */
    public TemplateRecord templateRecord() {
        if (isOptions()) {
            throw new IllegalStateException(name + " is an options template");
        }
        return new TemplateRecord(templateId, fields);
    }

    /** The definition to send in an Options Template Set; only for options templates. */
    public OptionsTemplateRecord optionsTemplateRecord() {
        if (!isOptions()) {
            throw new IllegalStateException(name + " is not an options template");
        }
        return new OptionsTemplateRecord(templateId, scopeFieldCount, fields);
    }

    /** The record length without its variable-length fields: the whole length for fixed templates. */
    public int fixedLength() {
        return fixedLength;
    }

    @Override
    public int encodedLength(R record) {
        int length = fixedLength;
        for (FieldWriter.Variable<R> v : variableWriters) {
            length += v.encodedLength(record);
        }
        return length;
    }

    @Override
    public void encode(R record, ByteBuf out) {
        for (FieldWriter<R> w : writers) {
            w.write(record, out);
        }
    }

    @Override
    public String toString() {
        return name + "#" + templateId;
    }
}
