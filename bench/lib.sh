# Shared helpers for the benchmark scripts (sourced, not run).
# Traffic runs only between two network namespaces created here: fmbench-tx --veth-- fmbench-rx.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
OUT_DIR=${OUT_DIR:-$BENCH_DIR/out}
BIN_DIR=$OUT_DIR/bin
NS_TX=fmbench-tx
NS_RX=fmbench-rx
IF_TX=fmb-tx
IF_RX=fmb-rx
IP_TX=10.77.0.1
IP_RX=10.77.0.2

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

build_tools() {
	mkdir -p "$BIN_DIR"
	for t in udp_flood udp_sink connect_loop; do
		gcc -O2 -Wall -o "$BIN_DIR/$t" "$BENCH_DIR/src/$t.c"
	done
}

ns_up() {
	ns_down
	ip netns add $NS_TX
	ip netns add $NS_RX
	ip link add $IF_TX netns $NS_TX type veth peer name $IF_RX netns $NS_RX
	ip -n $NS_TX addr add $IP_TX/24 dev $IF_TX
	ip -n $NS_RX addr add $IP_RX/24 dev $IF_RX
	for ns in $NS_TX $NS_RX; do ip -n $ns link set lo up; done
	ip -n $NS_TX link set $IF_TX up
	ip -n $NS_RX link set $IF_RX up
}

ns_down() {
	ip netns del $NS_TX 2>/dev/null || true
	ip netns del $NS_RX 2>/dev/null || true
}

# Total softirq jiffies (all CPUs) from /proc/stat: column 8 of the "cpu" line.
softirq_ticks() { awk '/^cpu /{print $8}' /proc/stat; }
# utime+stime jiffies of a process and its threads.
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
clk_tck() { getconf CLK_TCK; }
# Waits until a process (not necessarily our child: counters run in subshells) has exited.
wait_gone() { while [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }
# Switches segmentation/receive offloads of both veth ends on or off.
set_offloads() { # on|off
	ip netns exec $NS_TX ethtool -K $IF_TX tso "$1" gso "$1" gro "$1" >/dev/null 2>&1 || true
	ip netns exec $NS_RX ethtool -K $IF_RX tso "$1" gso "$1" gro "$1" >/dev/null 2>&1 || true
}

# median and spread ((max-min)/median) of numbers on stdin
median_spread() {
	sort -g | awk '{v[NR]=$1} END {
		if (NR==0) {print "n/a n/a"; exit}
		m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
		s = (m>0) ? (v[NR]-v[1])/m : 0;
		printf "%.6g %.3f\n", m, s }'
}

# --- appended by HARNESS (session 2) ---

# Sum of statistics keys in the last daemon log line containing WORD (flowmond logs
# "statistics: k=v k=v ..." every flowmon.stats.interval and "stopped; k=v ..." at exit).
# Exact key match; prints "?" when the line or a key is missing.
# usage: stat_value LOG WORD KEY...
stat_value() {
	local log=$1 word=$2; shift 2
	grep -a -- "$word" "$log" 2>/dev/null | tail -1 | awk -v keys="$*" '
		BEGIN { n = split(keys, k, " ") }
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { s = 0; for (j = 1; j <= n; j++) { if (!(k[j] in v) || v[k[j]] !~ /^[0-9]+$/) { print "?"; exit } s += v[k[j]] } print s }'
}

# utime+stime jiffies of a process, its threads and all its descendants (pmacctd forks plugins).
tree_ticks() {
	[ -n "${1:-}" ] || { echo 0; return; }
	local pids="$1" all="$1" p kids
	while [ -n "$pids" ]; do
		kids=""
		for p in $pids; do kids="$kids $(cat /proc/"$p"/task/*/children 2>/dev/null)"; done
		pids=$(echo $kids)
		all="$all $pids"
	done
	local t=0
	for p in $all; do t=$((t + $(proc_ticks "$p"))); done
	echo "$t"
}

# "RUN_TIME_NS RUN_CNT" summed over the BPF programs attached to DEV's TC hooks in namespace NS
# (needs kernel.bpf_stats_enabled=1 for run_time_ns to move). "0 0" when none is attached.
# Debian 12's bpftool (7.1) does not list TCX attachments: with PID, the TC programs (tc_ingress,
# tc_egress) that process holds are taken instead when the device shows none.
tc_prog_stats() { # NS DEV [PID]
	local ids id
	ids=$(ip netns exec "$1" bpftool -j net show dev "$2" 2>/dev/null |
		jq -r '.[]? | (.tc // [])[], (.tcx // [])[] | (.id // .prog_id) // empty' 2>/dev/null | sort -u)
	if [ -z "$ids" ] && [ -n "${3:-}" ]; then
		ids=$(prog_snapshot "$3" | awk -F'\t' '$2 == "tc_ingress" || $2 == "tc_egress" { print $1 }')
	fi
	local ns=0 cnt=0
	for id in $ids; do
		read -r a b < <(bpftool -j prog show id "$id" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"')
		ns=$((ns + a)); cnt=$((cnt + b))
	done
	echo "$ns $cnt"
}

# TCP segments the namespace's stack sent, in wire segments (/proc/net/snmp, per netns: OutSegs and
# RetransSegs count a GSO packet as its number of segments; InSegs would count GRO packets as one).
tcp_out_segs() { # NS
	ip netns exec "$1" cat /proc/net/snmp | awk '/^Tcp:/ { if (!h) { for (i=1;i<=NF;i++) c[$i]=i; h=1 } else print $c["OutSegs"] + $c["RetransSegs"] }'
}

# Copies the daemon jar into $OUT_DIR once and points FLOWMOND_JAR at the copy, so a build that
# rewrites daemon/target/flowmond.jar during a long run cannot hand a daemon a half-written jar.
snapshot_jar() {
	mkdir -p "$OUT_DIR"
	local src=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
	[ -f "$src" ] || { log "no $src: build it first (mvn -B -ntp -DskipTests package)"; return 1; }
	if [ "$src" != "$OUT_DIR/flowmond.jar" ]; then cp "$src" "$OUT_DIR/flowmond.jar.tmp" && mv "$OUT_DIR/flowmond.jar.tmp" "$OUT_DIR/flowmond.jar"; fi
	FLOWMOND_JAR=$OUT_DIR/flowmond.jar
}

# Waits until a process tree is idle: its CPU over 0.5 s below 5 % of one core (at most 10 s), so
# a tool's start-up work (a JVM's JIT burst) is not counted as per-packet cost. No-op without a PID.
wait_idle() { # PID
	[ -n "${1:-}" ] || return 0
	local hz t0 t1 i
	hz=$(clk_tck)
	for i in $(seq 1 20); do
		t0=$(tree_ticks "$1"); sleep 0.5; t1=$(tree_ticks "$1")
		[ $(( (t1 - t0) * 100 )) -lt $(( hz * 5 / 2 )) ] && return 0   # < 5 % of 0.5 s of a core
	done
	log "process $1 still busy after 10 s; measuring anyway"
}

# Waits until the daemon's log shows "running with" (its probes, TC programs and outputs are up).
# Returns 1 if the process exited first or 60 s passed.
await_daemon() { # LOG PID
	for _ in $(seq 1 600); do
		grep -q "running with" "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# --- flowmond's kernel side held without the daemon (bpf's OwnershipAttachMain test class), for
# syscall-tax.sh and ownership-cost.sh. Build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile

# Sets HOLD_CP: the bpf module's classes, test classes and dependencies.
holder_classpath() {
	local f
	f=$(mktemp)
	(cd "$ROOT_DIR" && mvn -B -ntp -o -q -pl bpf org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
		-Dmdep.outputFile="$f" >/dev/null) # the version the offline repository has
	HOLD_CP="$ROOT_DIR/bpf/target/classes:$ROOT_DIR/bpf/target/test-classes:$(cat "$f")"
	rm -f "$f"
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
}

# Starts OwnershipAttachMain with ARGS ([--owners] [--probes] [NS:DEV ...]) pinned to CPU 0 (the
# loops under test run on CPU 1) and returns once it has attached everything: HOLD_JVM is its PID,
# HOLD_PROBES the syscall-probe variant it chose (with --probes). Returns 1 if it did not attach
# (its log: $OUT_DIR/holder.log).
hold_start() {
	coproc HOLD { exec taskset -c 0 java -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$HOLD_CP" \
		org.flowmond.bpf.owner.OwnershipAttachMain "$@" 2> "$OUT_DIR/holder.log"; }
	HOLD_JVM=$HOLD_PID HOLD_OUT=${HOLD[0]} HOLD_IN=${HOLD[1]} HOLD_PROBES=""
	local line
	while read -r line <&"$HOLD_OUT"; do
		case $line in attached) return 0 ;; "probes "*) HOLD_PROBES=${line#probes } ;; esac
	done
	log "OwnershipAttachMain $* did not attach:"; tail -5 "$OUT_DIR/holder.log" >&2
	return 1
}

# Closes the holder's stdin: it detaches everything and exits.
hold_stop() {
	[ -n "${HOLD_JVM:-}" ] || return 0
	eval "exec $HOLD_IN>&-" 2>/dev/null || true
	wait "$HOLD_JVM" 2>/dev/null || true
	HOLD_JVM=
}

# "id<TAB>name<TAB>type<TAB>run_cnt<TAB>run_time_ns" of every BPF program process PID holds
# (program and link descriptors: prog_id in /proc/PID/fdinfo), ids sorted as text (for join).
prog_snapshot() { # PID
	local id
	for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u); do
		bpftool -j prog show id "$id" | jq -r '"\(.id)\t\(.name)\t\(.type)\t\(.run_cnt // 0)\t\(.run_time_ns // 0)"'
	done
}

# Per program: runs and run time between two prog_snapshot files, "name<TAB>type<TAB>runs<TAB>ns".
prog_delta() { # BEFORE AFTER
	join -t $'\t' "$1" "$2" | awk -F'\t' -v OFS='\t' '{ print $2, $3, $8 - $4, $9 - $5 }'
}
