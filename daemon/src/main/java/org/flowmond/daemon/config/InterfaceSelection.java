package org.flowmond.daemon.config;

import java.util.List;

/**
 * {@code flowmon.interfaces}: either every interface (including ones that appear later), or a
 * fixed list of names.
 *
 * @param all   true for {@code ["all"]}
 * @param names the named interfaces; empty when {@code all}
 */
public record InterfaceSelection(boolean all, List<String> names) {

    /** The configuration word that selects every interface. */
    public static final String ALL = "all";

    public InterfaceSelection {
        names = List.copyOf(names);
        if (all && !names.isEmpty()) {
            throw new IllegalArgumentException("\"all\" cannot be combined with interface names");
        }
        if (!all && names.isEmpty()) {
            throw new IllegalArgumentException("no interface selected");
        }
    }

    public static InterfaceSelection allInterfaces() {
        return new InterfaceSelection(true, List.of());
    }

    public static InterfaceSelection of(List<String> names) {
        return new InterfaceSelection(false, names);
    }

    /** Whether packets on the interface called {@code name} are counted. */
    public boolean includes(String name) {
        return all || names.contains(name);
    }
}
