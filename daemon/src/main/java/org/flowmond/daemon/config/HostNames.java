package org.flowmond.daemon.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Syntax checks for collector hosts, without DNS: an IPv4 or IPv6 literal, or a name made of
 * RFC 1123 labels. Resolution happens when the exporter starts (DNS may not be up at boot).
 */
final class HostNames {

    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private HostNames() {
    }

    static boolean isValid(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        if (IPV4_LIKE.matcher(host).matches()) {
            return IPV4.matcher(host).matches();
        }
        if (host.indexOf(':') >= 0) {
            return isIpv6Literal(host);
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** In brackets, InetAddress only parses an IPv6 literal and never falls back to DNS. */
    private static boolean isIpv6Literal(String host) {
        if (!host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?")) {
            return false;
        }
        try {
            InetAddress.getByName("[" + host + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
