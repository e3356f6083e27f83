#!/usr/bin/env bash
# Idle CPU by thread: one daemon attached to an idle veth in a namespace of its own, no traffic;
# after SETTLE seconds, each thread's CPU time and wake-ups (voluntary context switches,
# /proc/PID/task/*/status: how often it slept and was woken) over WINDOW seconds, then RSS and the
# thread count. bench/idle.sh gives the totals; this says which thread spends them. The syscall
# probes see the whole machine's connects and accepts, so other work on the host wakes the event
# reader and the flow thread: the wake-ups tell that apart; bench/idle-pair.sh measures two daemons
# (base and new) in the same window, so that activity falls on both alike.
# CPU time is the scheduler's own count in nanoseconds (/proc/PID/task/*/schedstat, first field),
# printed in ms: the user+system times of /proc/PID/task/*/stat come in 10 ms ticks, too coarse for
# threads that spend a few ms in 30 s.
# The daemon runs as `java [JVM options] -jar JAR`, or with LAUNCHER=packaging/flowmond through
# that launcher (its JVM options and malloc settings; the JVM options given here go to
# FLOWMOND_JAVA_OPTS; FLOWMOND_CDS_DIR from the environment, else no class-data archive).
#
# FLOWMOND_ARGS: the daemon's options after -i (default: an IPFIX export to a closed port).
#
# usage: [LAUNCHER=packaging/flowmond] [FLOWMOND_ARGS=...] bench/idle-threads.sh JAR [SETTLE] [WINDOW] [JVM options...]
#        (as root; default 20 s, 30 s)
set -euo pipefail
JAR=$1 SETTLE=${2:-20} WINDOW=${3:-30}
shift $(($# < 3 ? $# : 3))
ARGS=${FLOWMOND_ARGS---collector 127.0.0.1:9}
NS=fmbench-idlet
trap 'kill "$PID" 2>/dev/null || true; sleep 1; ip netns del $NS 2>/dev/null || true' EXIT
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link add fmit0 type veth peer name fmit1
ip -n $NS link set fmit0 up
ip -n $NS link set fmit1 up
if [ -n "${LAUNCHER:-}" ]; then
	ip netns exec $NS env FLOWMOND_JAR="$JAR" FLOWMOND_CDS_DIR="${FLOWMOND_CDS_DIR-}" FLOWMOND_JAVA_OPTS="$*" \
		sh "$LAUNCHER" -i fmit0 $ARGS >/dev/null 2>&1 &
else
	ip netns exec $NS java "$@" -jar "$JAR" -i fmit0 $ARGS >/dev/null 2>&1 &
fi
PID=$!
sleep "$SETTLE"
PID=$(pgrep -P "$PID" java || echo "$PID") # ip netns exec may stay as the parent
per_thread() {
	local t ns v
	for t in /proc/"$PID"/task/*; do
		read -r ns _ < "$t/schedstat"
		v=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")
		echo "$(basename "$t") $(tr ' ' _ < "$t/comm") $ns $v"
	done | sort
}
per_thread > /tmp/idle-threads.$$.0; sleep "$WINDOW"; per_thread > /tmp/idle-threads.$$.1
join /tmp/idle-threads.$$.0 /tmp/idle-threads.$$.1 | awk -v w="$WINDOW" '
	{ d = ($6 - $3) / 1e6; v = $7 - $4; total += d; wakes += v
	  if (d >= 0.05 || v > 0) printf "  %-18s %7.1f ms %6d wake-ups\n", $2, d, v }
	END { printf "  total              %7.1f ms %6d wake-ups in %d s (%.2f %% of a core)\n", total, wakes, w, total / (w * 10) }'
rm -f /tmp/idle-threads.$$.*
awk '/^VmRSS|^RssAnon|^RssFile|^Threads/ { printf "  %s %s %s\n", $1, $2, $3 }' /proc/"$PID"/status
