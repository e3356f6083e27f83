#!/usr/bin/env bash
# Idle CPU by thread: one `java -jar` daemon attached to an idle veth in a namespace of its own, no
# traffic; after SETTLE seconds, each thread's CPU time (user+system, /proc/PID/task/*/stat) and
# wake-ups (voluntary context switches, /proc/PID/task/*/status: how often it slept and was woken)
# over WINDOW seconds, then RSS and the thread count. bench/idle.sh gives the totals; this says
# which thread spends them. The syscall probes see the whole machine's connects and accepts, so
# other work on the host wakes the event reader and the flow thread: the wake-ups tell that apart.
#
# usage: bench/idle-threads.sh JAR [SETTLE] [WINDOW] [JVM options...]   (as root; default 20 s, 30 s)
set -euo pipefail
JAR=$1 SETTLE=${2:-20} WINDOW=${3:-30}
shift $(($# < 3 ? $# : 3))
NS=fmbench-idlet
HZ=$(getconf CLK_TCK)
trap 'kill "$PID" 2>/dev/null || true; sleep 1; ip netns del $NS 2>/dev/null || true' EXIT
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link add fmit0 type veth peer name fmit1
ip -n $NS link set fmit0 up
ip -n $NS link set fmit1 up
ip netns exec $NS java "$@" -jar "$JAR" -i fmit0 --collector 127.0.0.1:9 >/dev/null 2>&1 &
PID=$!
sleep "$SETTLE"
PID=$(pgrep -P "$PID" java || echo "$PID") # ip netns exec may stay as the parent
per_thread() {
	local t f v
	for t in /proc/"$PID"/task/*; do
		read -r f < "$t/stat"; f=(${f##*) })
		v=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")
		echo "$(basename "$t") $(tr ' ' _ < "$t/comm") $((f[11] + f[12])) $v"
	done | sort
}
per_thread > /tmp/idle-threads.$$.0; sleep "$WINDOW"; per_thread > /tmp/idle-threads.$$.1
join /tmp/idle-threads.$$.0 /tmp/idle-threads.$$.1 | awk -v hz="$HZ" -v w="$WINDOW" '
	{ d = ($6 - $3) * 1000 / hz; v = $7 - $4; total += d; wakes += v
	  if (d > 0 || v > 0) printf "  %-18s %5d ms %6d wake-ups\n", $2, d, v }
	END { printf "  total              %5d ms %6d wake-ups in %d s (%.2f %% of a core)\n", total, wakes, w, total / (w * 10) }'
rm -f /tmp/idle-threads.$$.*
awk '/^VmRSS|^Threads/ { printf "  %s %s %s\n", $1, $2, $3 }' /proc/"$PID"/status
