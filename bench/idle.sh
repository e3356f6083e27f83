#!/usr/bin/env bash
# Idle footprint: flowmond attached to an idle veth in a namespace of its own, no traffic. After it
# has attached and settled (10 s), its CPU time over 30 s (user+system, all threads, from
# /proc/PID/stat), its RSS (anonymous and file-backed) and its thread count. Two configurations,
# alternating, RUNS rounds: `java -jar` and the packaged launcher (with its class-data archive, made
# before the rounds).
#
# usage: bench/idle.sh [RUNS]     (default 2; as root, after mvn -B -ntp -DskipTests package)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NS=fmbench-idle
IF=fmid0
RUNS=${1:-2}
CDS_DIR=$OUT_DIR/idle-cds
HZ=$(clk_tck)

trap 'ip netns del $NS 2>/dev/null || true' EXIT
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link add $IF type veth peer name fmid1
ip -n $NS link set $IF up
ip -n $NS link set fmid1 up
snapshot_jar || exit 66
mkdir -p "$CDS_DIR"
env FLOWMOND_JAR="$FLOWMOND_JAR" FLOWMOND_CDS_DIR="$CDS_DIR" "$ROOT_DIR/packaging/flowmond" --version >/dev/null

ticks() { local f; read -r f < "/proc/$1/stat"; f=(${f##*) }); echo $((f[11] + f[12])); }

one() { # name command...
	local name=$1 pid fd line t0 t1
	shift
	coproc IDLE { exec ip netns exec $NS "$@" -i $IF --collector 127.0.0.1:9 2>&1; }
	pid=$IDLE_PID
	exec {fd}<&"${IDLE[0]}"
	while IFS= read -r line <&"$fd"; do [[ $line == *"syscall probes attached"* ]] && break; done
	cat <&"$fd" >/dev/null &
	sleep 10
	t0=$(ticks "$pid"); sleep 30; t1=$(ticks "$pid")
	printf '%s: CPU %d ms in 30 s; ' "$name" $(((t1 - t0) * 1000 / HZ))
	awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } /^Threads/ { t = $2 }
		END { printf "RSS %.0f MB (anonymous %.0f, file %.0f); %d threads\n", r / 1024, a / 1024, f / 1024, t }' "/proc/$pid/status"
	kill -TERM "$pid"
	wait "$pid" || true
	exec {fd}<&-
}

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$RUNS"); do
	one "round $round java -jar" java -jar "$FLOWMOND_JAR"
	one "round $round launcher" env FLOWMOND_JAR="$FLOWMOND_JAR" FLOWMOND_CDS_DIR="$CDS_DIR" "$ROOT_DIR/packaging/flowmond"
done
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
