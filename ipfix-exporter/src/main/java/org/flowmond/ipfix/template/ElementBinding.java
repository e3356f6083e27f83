package org.flowmond.ipfix.template;

import org.flowmond.ipfix.ie.InformationElement;

/** Says where the value of each element comes from in a record of type R. */
@FunctionalInterface
public interface ElementBinding<R> {
    /**
     * The writer for {@code element} at its template length; throws
     * {@link IllegalArgumentException} if records of type R have no value for it.
     */
    FieldWriter<R> writerFor(InformationElement element);
}
