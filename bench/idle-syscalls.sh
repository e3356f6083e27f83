#!/usr/bin/env bash
# The system calls of an idle daemon: each jar attached to an idle veth in a namespace of its own,
# no traffic, its calls of one kind counted with strace for WINDOW seconds after SETTLE seconds.
# Jars one after the other, ROUNDS times. Prints jar, round, calls.
#
# usage: bench/idle-syscalls.sh JAR [JAR...]     (as root)
# env:   SYSCALL (default bpf), ROUNDS (2), SETTLE (15), WINDOW (30)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NS=fmbench-idsc
IF=fmis0
SYSCALL=${SYSCALL:-bpf}
trap 'ip netns del $NS 2>/dev/null || true' EXIT

one_count() { # jar: prints the calls in the window
	ip netns del $NS 2>/dev/null || true
	ip netns add $NS
	ip -n $NS link add $IF type veth peer name fmis1
	ip -n $NS link set $IF up && ip -n $NS link set fmis1 up && ip -n $NS link set lo up
	ip netns exec $NS java -jar "$1" -i $IF --collector 127.0.0.1:9 > "$OUT_DIR/idle-syscalls.log" 2>&1 &
	local pid=$!
	sleep "${SETTLE:-15}"
	timeout -s INT "${WINDOW:-30}" strace -f -c -e trace="$SYSCALL" -p "$pid" -o "$OUT_DIR/idle-syscalls.strace" 2>/dev/null || true
	kill "$pid" && wait "$pid" || true
	awk -v s="$SYSCALL" '$NF == s { print $4 }' "$OUT_DIR/idle-syscalls.strace"
}

mkdir -p "$OUT_DIR"
printf 'jar\tround\t%s_calls\n' "$SYSCALL"
for round in $(seq 1 "${ROUNDS:-2}"); do
	for jar in "$@"; do
		printf '%s\t%s\t%s\n' "$jar" "$round" "$(one_count "$jar")"
	done
done
