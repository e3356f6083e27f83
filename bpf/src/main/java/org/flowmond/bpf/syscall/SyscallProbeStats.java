package org.flowmond.bpf.syscall;

/**
 * What the syscall probes lost or dropped, summed over CPUs ({@code enum flowmon_sock_counter} in
 * flowmon.h) and on the Java side.
 *
 * @param ringBufferFull   events the kernel could not put into the full ring buffer (lost)
 * @param stashFull        connects not followed because the in-flight stash was full (lost)
 * @param filtered         events the pid/port filters dropped in the kernel (wanted, not lost)
 * @param delivered        events handed to the consumer
 * @param undecodable      ring samples that were not a valid {@code struct sock_event} (lost)
 * @param consumerFailures events whose consumer threw (counted and logged, delivery goes on)
 * @param noOwner          SOCKET variant: connects/accepts whose socket had no recorded owner (lost)
 * @param recursionMisses  hook hits the kernel did not run a probe for, because the probe was already
 *                         running on that CPU (interrupted by a softirq that hit the hook again): what
 *                         those runs would have sent is lost ({@code BpfProgram#recursionMisses})
 */
public record SyscallProbeStats(long ringBufferFull, long stashFull, long filtered, long delivered,
                                long undecodable, long consumerFailures, long noOwner, long recursionMisses) {

    public SyscallProbeStats(long ringBufferFull, long stashFull, long filtered, long delivered,
                             long undecodable, long consumerFailures) {
        this(ringBufferFull, stashFull, filtered, delivered, undecodable, consumerFailures, 0, 0);
    }

    /** Events lost anywhere between kernel and consumer. */
    public long lost() {
        return ringBufferFull + stashFull + undecodable + noOwner + recursionMisses;
    }
}
