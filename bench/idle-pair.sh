#!/usr/bin/env bash
# Idle CPU by thread, two daemons side by side: A and B, each through its own launcher, attached to
# an idle veth in a namespace of its own, started together and measured over the same WINDOW after
# the same SETTLE. The syscall probes of both see every connect and accept of the machine, so what
# other work on the host makes them do falls on both in the same window: a paired comparison, where
# bench/idle-threads.sh run after run compares windows with different host activity.
# CPU time and wake-ups as in bench/idle-threads.sh (schedstat, voluntary context switches), summed
# by thread name; then both daemons' RSS (VmRSS, RssAnon) at the end of the window.
#
# FLOWMOND_ARGS: the daemons' options after -i (default: an IPFIX export to a closed port).
# REPEAT: windows measured back to back after the settle (default 1), each printed on its own: the
# once-a-second code of a daemon is still being compiled for the first 20 minutes or so.
#
# usage: bench/idle-pair.sh LAUNCHER_A JAR_A CDS_DIR_A LAUNCHER_B JAR_B CDS_DIR_B [SETTLE] [WINDOW]
#        (as root; default 180 s, 30 s; an empty CDS_DIR: no class-data archive)
set -euo pipefail
LA=$1 JA=$2 CA=$3 LB=$4 JB=$5 CB=$6 SETTLE=${7:-180} WINDOW=${8:-30}
ARGS=${FLOWMOND_ARGS---collector 127.0.0.1:9}
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 1
	ip netns del fmbench-pairA 2>/dev/null || true
	ip netns del fmbench-pairB 2>/dev/null || true
}
trap cleanup EXIT
start() { # name launcher jar cds
	local ns=fmbench-pair$1
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns"
	ip -n "$ns" link add fmpr0 type veth peer name fmpr1
	ip -n "$ns" link set fmpr0 up
	ip -n "$ns" link set fmpr1 up
	ip netns exec "$ns" env FLOWMOND_JAR="$3" FLOWMOND_CDS_DIR="$4" sh "$2" -i fmpr0 $ARGS >/dev/null 2>&1 &
	PIDS+=($!)
}
start A "$LA" "$JA" "$CA"
start B "$LB" "$JB" "$CB"
sleep "$SETTLE"
for i in 0 1; do PIDS[i]=$(pgrep -P "${PIDS[i]}" java || echo "${PIDS[i]}"); done
per_thread() { # pid: "name ns wake-ups" per thread, summed by name
	local t ns v
	for t in /proc/"$1"/task/*; do
		read -r ns _ < "$t/schedstat"
		v=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")
		echo "$(tr ' ' _ < "$t/comm") $ns $v"
	done | awk '{ ns[$1] += $2; v[$1] += $3 } END { for (n in ns) print n, ns[n], v[n] }' | sort
}
rss() { awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 } END { printf "%.1f (%.1f) MB", r / 1024, a / 1024 }' /proc/"$1"/status; }
T=/tmp/idle-pair.$$
delta() { join "$1" "$2" | awk '{ printf "%s %.1f %d\n", $1, ($4 - $2) / 1e6, $5 - $3 }'; }
per_thread "${PIDS[0]}" > $T.a0; per_thread "${PIDS[1]}" > $T.b0
for ((n = 0; n < ${REPEAT:-1}; n++)); do
	sleep "$WINDOW"
	per_thread "${PIDS[0]}" > $T.a1; per_thread "${PIDS[1]}" > $T.b1
	delta $T.a0 $T.a1 > $T.a; delta $T.b0 $T.b1 > $T.b
	mv $T.a1 $T.a0; mv $T.b1 $T.b0
	printf "  %-18s %18s %18s   (per %d s, from %d s)\n" thread "A: CPU wake-ups" "B: CPU wake-ups" "$WINDOW" \
		$((SETTLE + n * WINDOW))
	join -a1 -a2 -e - -o 0,1.2,1.3,2.2,2.3 $T.a $T.b | awk -v w="$WINDOW" '
		{ if ($2 + $4 >= 0.1 || $3 + $5 > 0) printf "  %-18s %9s ms %5s %9s ms %5s\n", $1, $2, $3, $4, $5
		  ta += $2; va += $3; tb += $4; vb += $5 }
		END { printf "  %-18s %9.1f ms %5d %9.1f ms %5d\n", "total", ta, va, tb, vb
		      printf "  %-18s %9.2f %%          %9.2f %% of a core\n", "", ta / (w * 10), tb / (w * 10) }'
	printf "  %-18s %18s %18s\n" "RSS (anonymous)" "$(rss "${PIDS[0]}")" "$(rss "${PIDS[1]}")"
done
rm -f $T.*
