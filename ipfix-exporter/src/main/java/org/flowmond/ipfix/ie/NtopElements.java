package org.flowmond.ipfix.ie;

import static org.flowmond.ipfix.ie.DataType.STRING;
import static org.flowmond.ipfix.ie.DataType.UNSIGNED32;

import java.util.List;

/**
 * ntop's process elements under PEN 35632, as nProbe sends them and ntopng and Wireshark name them.
 * The IPFIX id is ntop's NetFlow v9 id minus {@code NTOP_BASE_ID} 57472 (ntopng
 * {@code include/ntop_flow.h}). Names have nProbe's fixed lengths: 16 octets, zero padded, and
 * 4-octet PIDs and UIDs. "SRC" is the client (the process that called connect), "DST" the server.
 *
 * <p>The container elements are nProbe agent mode's ({@code nprobe --agent-mode}, nProbe's
 * documentation: "[58030][Len 16] %SRC_PROC_CONTAINER_ID", "[58031][Len 16] %DST_PROC_CONTAINER_ID"):
 * 16 octets, so a 64-hex container ID travels as its first 16 characters, which Docker, Podman and
 * crictl accept as an ID prefix. Wireshark 4.0 (Debian 12) has no name for them.
 */
public final class NtopElements {
    /** ntop's private enterprise number. */
    public static final long PEN = 35632;
    /** nProbe's length for process and user names. */
    public static final int NAME_LENGTH = 16;

    private NtopElements() {
    }

    private static InformationElement number(String name, int id, String description) {
        return new InformationElement(name, PEN, id, UNSIGNED32, Semantics.IDENTIFIER, Units.NONE, 4, description);
    }

    private static InformationElement name(String name, int id, String description) {
        return new InformationElement(name, PEN, id, STRING, Semantics.DEFAULT, Units.NONE, NAME_LENGTH,
                description);
    }

    public static final List<InformationElement> ALL = List.of(
            number("SRC_PROC_PID", 168, "client process id"),
            name("SRC_PROC_NAME", 169, "client process name"),
            name("SRC_PROC_USER_NAME", 372, "client process user name"),
            number("SRC_FATHER_PROC_PID", 373, "client parent process id"),
            name("SRC_FATHER_PROC_NAME", 374, "client parent process name"),
            number("DST_PROC_PID", 375, "server process id"),
            name("DST_PROC_NAME", 376, "server process name"),
            name("DST_PROC_USER_NAME", 377, "server process user name"),
            number("DST_FATHER_PROC_PID", 378, "server parent process id"),
            name("DST_FATHER_PROC_NAME", 379, "server parent process name"),
            number("SRC_PROC_UID", 425, "client process user id"),
            number("DST_PROC_UID", 426, "server process user id"),
            name("SRC_PROC_CONTAINER_ID", 558, "client process container id (first 16 characters)"),
            name("DST_PROC_CONTAINER_ID", 559, "server process container id (first 16 characters)"));
}
