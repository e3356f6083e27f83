package org.flowmond.ipfix.ie;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5103 reverse Information Elements: the reverse of IANA element N is element N under the
 * reverse PEN 29305, named "reverse" + the IANA name with a capital first letter.
 */
public final class ReverseElements {
    /** The reverse Information Element PEN (RFC 5103 section 6.1). */
    public static final long PEN = 29305;

    private ReverseElements() {
    }

    public static InformationElement reverseOf(InformationElement forward) {
        if (forward.isEnterprise()) {
            throw new IllegalArgumentException("only IANA elements have PEN 29305 reverses: " + forward);
        }
        String name = "reverse" + Character.toUpperCase(forward.name().charAt(0)) + forward.name().substring(1);
        return new InformationElement(name, PEN, forward.id(), forward.type(), forward.semantics(), forward.units(),
                forward.length(), "reverse direction: " + forward.description());
    }

    /** The reverses of the IANA elements flowmond may send in RFC 5103 biflows. */
    public static List<InformationElement> all(List<InformationElement> iana) {
        List<InformationElement> out = new ArrayList<>();
        for (InformationElement ie : iana) {
            if (IanaElements.REVERSIBLE.contains(ie.name())) {
                out.add(reverseOf(ie));
            }
        }
        return List.copyOf(out);
    }
}
