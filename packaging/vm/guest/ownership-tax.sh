#!/bin/bash
# Socket ownership's tax on syscalls inside a guest (bench/ownership-guest.sh starts it with
# run-guest.sh): bench/src/syscall_tax.c's loops with nothing attached and with the ownership hooks
# plus the syscall probes held by OwnershipAttachMain (bpf test classes), as bench/syscall-tax.sh
# measures them on the host:
#   ownership-tax.sh CLASSPATH SYSCALL_TAX ROUNDS SECONDS "MODE..."
#   env: JAVA_TOOL_OPTIONS (the holder JVM's options, e.g. -XX:TieredStopAtLevel=1)
# Each round runs every loop once unprobed and once with the hooks, in the order none, owners on
# odd rounds and owners, none on even ones (ABBA…): one holder start per round, because a JVM
# start takes tens of seconds under TCG. The holder is pinned to CPU 0 and measuring starts when
# it is idle (both vCPUs share one emulating host thread, so its CPU would come out of the loop's);
# the loops run on CPU 1 in a network namespace of their own; holder_ticks is the holder's CPU
# during each loop. One unmeasured loop of each mode first (the first runs after boot are slower:
# 9p page cache, TCG translating the kernel's paths for the first time).
# Writes $FLOWMOND_VM_OUT/ownership-tax.tsv (bench/syscall-tax.sh's columns, kernel first, holder_ticks last)
# and holder.log. Under TCG only the ratio of neighbouring runs means something.
set -uo pipefail
HOLD_CP="$1" bin="$2" rounds="$3" secs="$4" modes="$5"
OUT_DIR="${FLOWMOND_VM_OUT:-/tmp}"
# shellcheck source=../../../bench/lib.sh
source "$(dirname "$0")/../../../bench/lib.sh"   # hold_start, hold_stop, wait_idle (OUT_DIR set first)
ns=fmvm-tax
tsv="$OUT_DIR/ownership-tax.tsv"
kernel="$(uname -r)"

trap 'hold_stop; ip netns del $ns 2>/dev/null; true' EXIT
say() { echo "ownership-tax $(date +%T): $*" >&2; }

# "OPS_PER_SECOND OPS" of one loop
run_loop() { # MODE SECONDS
    ip netns exec "$ns" taskset -c 1 "$bin" "$1" "$2" | awk '{ print $2, $3 }'
}

measure_all() { # CONFIG ROUND
    local mode rate ops load probes=- t0 t1
    if [ "$1" = owners ]; then
        hold_start --owners --probes || return 1
        probes="${HOLD_PROBES:--}"
        wait_idle "$HOLD_JVM"
    fi
    sleep 2
    for mode in $modes; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        t0=$(tree_ticks "${HOLD_JVM:-}")
        read -r rate ops < <(run_loop "$mode" "$secs")
        t1=$(tree_ticks "${HOLD_JVM:-}")
        # the holder's CPU during the loop, in clock ticks: on the other vCPU, but the same emulating thread
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kernel" "$mode" "$2" "$1" "$secs" "$rate" "$load" "$probes" \
            "$([ "$1" = owners ] && echo $((t1 - t0)) || echo -)" >>"$tsv"
        say "$mode round $2 $1: $rate/s (probes $probes, holder $((t1 - t0)) ticks)"
    done
    hold_stop
}

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$ns"
ip -n "$ns" link set lo up
printf 'kernel\tmode\tround\tconfig\tseconds\tops_per_s\tload1\tprobes\tholder_ticks\n' >"$tsv"
for mode in $modes; do run_loop "$mode" "$secs" >/dev/null; done   # cold first runs, not measured
for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then order="none owners"; else order="owners none"; fi
    for cfg in $order; do
        measure_all "$cfg" "$r" || { say "round $r: the holder did not attach"; tail -20 "$OUT_DIR/holder.log" >&2; exit 1; }
    done
done
cat "$tsv"
