package org.flowmond.ipfix;

import java.util.Objects;

/**
 * The process at one end of a flow, as ntop's process elements carry it. Unknown numbers are 0
 * and unknown names empty; ntopng shows a process only with a non-empty name and a PID above 0.
 *
 * @param pid        process id (unsigned32)
 * @param name       command name (sent in 16 octets, cut if longer)
 * @param uid        user id (unsigned32)
 * @param userName   user name (16 octets)
 * @param parentPid  parent process id (unsigned32)
 * @param parentName parent command name (16 octets)
 * @param cgroupId   cgroup v2 id (unsigned64, flowmond's element)
 */
public record ProcessInfo(long pid, String name, long uid, String userName, long parentPid, String parentName,
                          long cgroupId) {
    /** No process known. */
    public static final ProcessInfo UNKNOWN = new ProcessInfo(0, "", 0, "", 0, "", 0);

    public ProcessInfo {
        checkUnsigned32("pid", pid);
        checkUnsigned32("uid", uid);
        checkUnsigned32("parent pid", parentPid);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(parentName, "parentName");
    }

    /** A process known by PID and name only. */
    public static ProcessInfo of(long pid, String name) {
        return new ProcessInfo(pid, name, 0, "", 0, "", 0);
    }

    static void checkUnsigned32(String what, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " out of unsigned32 range: " + value);
        }
    }
}
