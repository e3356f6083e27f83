package org.flowmond.daemon.config;

import java.util.List;

/**
 * {@code flowmon.namespaces}: the network namespaces counted besides the daemon's own (which is
 * always counted): none, every one found (named under /run/netns and those of running processes,
 * including ones that appear later), or the /run/netns names listed (attached when they appear).
 *
 * @param all   true for {@code ["all"]}
 * @param names the named namespaces; empty when {@code all} or when only the own one is counted
 */
public record NamespaceSelection(boolean all, List<String> names) {

    /** The configuration word that selects every namespace. */
    public static final String ALL = "all";

    public NamespaceSelection {
        names = List.copyOf(names);
        if (all && !names.isEmpty()) {
            throw new IllegalArgumentException("\"all\" cannot be combined with namespace names");
        }
    }

    /** The default: the daemon's own namespace only. */
    public static NamespaceSelection ownOnly() {
        return new NamespaceSelection(false, List.of());
    }

    public static NamespaceSelection allNamespaces() {
        return new NamespaceSelection(true, List.of());
    }

    public static NamespaceSelection of(List<String> names) {
        return new NamespaceSelection(false, names);
    }

    /** Whether namespaces other than the daemon's own are counted. */
    public boolean others() {
        return all || !names.isEmpty();
    }
}
