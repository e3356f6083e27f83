package org.flowmond.daemon.pipeline;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.flowmond.daemon.config.Settings;

/**
 * The parts of the pipeline a reload may reopen, each with the slice of the settings it reads: a
 * reload reopens exactly those whose slice changed. The flow table and the flow loop take their
 * settings (flows, filter, intervals) in place; the socket ownership keeps its start-up settings.
 */
enum Component {
    /** The TC program and its flow map: reopening ends every active flow (forced end). */
    TC(TcFlowSource::slice),
    /** The connect/accept probes: connects in the moment between old and new are not seen. */
    SYSCALL(SyscallProbesSource::slice),
    JSON(Outputs::jsonSlice),
    IPFIX(Outputs::ipfixSlice),
    KAFKA(Outputs::kafkaSlice);

    private final Function<Settings, ?> slice;

    Component(Function<Settings, ?> slice) {
        this.slice = slice;
    }

    /** The components whose slice differs between {@code old} and {@code next}. */
    static Set<Component> changed(Settings old, Settings next) {
        Set<Component> changed = EnumSet.noneOf(Component.class);
        for (Component c : values()) {
            if (!Objects.equals(c.slice.apply(old), c.slice.apply(next))) {
                changed.add(c);
            }
        }
        return changed;
    }
}
