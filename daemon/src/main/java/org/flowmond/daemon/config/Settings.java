package org.flowmond.daemon.config;

import java.util.Objects;
import org.flowmond.bpf.api.TcHooks;

/**
 * Everything the daemon reads from {@code reference.conf}, {@code /etc/flowmon.conf} and the
 * command line, validated and immutable. One record per section of the {@code flowmon} block;
 * each component mirrors a key of reference.conf, where the defaults and their meaning live.
 * Built only by {@link SettingsLoader}; a reload builds a new one and swaps it in.
 *
 * @param interfaces {@code flowmon.interfaces}
 * @param namespaces {@code flowmon.namespaces}
 * @param directions {@code flowmon.directions}
 * @param probes     {@code flowmon.probes.*}
 * @param filter     {@code flowmon.filter.*}
 * @param flows      {@code flowmon.flows.*}
 * @param attribution {@code flowmon.attribution.*}
 * @param tcpHealth  {@code flowmon.tcp-health.*}
 * @param export     {@code flowmon.export.*}
 * @param outputs    {@code flowmon.outputs.*}
 * @param stats      {@code flowmon.stats.*}
 * @param metrics    {@code flowmon.metrics.*}
 * @param identity   {@code flowmon.identity.*}
 */
public record Settings(InterfaceSelection interfaces, NamespaceSelection namespaces, TcHooks directions,
                       ProbeSettings probes,
                       FilterSettings filter, FlowSettings flows, AttributionSettings attribution,
                       TcpHealthSettings tcpHealth,
                       ExportSettings export, OutputSettings outputs, StatsSettings stats,
                       MetricsSettings metrics, IdentitySettings identity) {

    public Settings {
        Objects.requireNonNull(interfaces, "interfaces");
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(directions, "directions");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(attribution, "attribution");
        Objects.requireNonNull(tcpHealth, "tcpHealth");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(identity, "identity");
    }
}
