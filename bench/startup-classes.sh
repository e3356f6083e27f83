#!/usr/bin/env bash
# Classes the JVM loaded until flowmond attached its probes: `java -Xlog:class+load` of one start on
# an idle veth in a namespace of its own, counted when the daemon prints "syscall probes attached",
# then stopped with SIGTERM. Prints the total and the logback, Kafka and typesafe-config shares (the
# libraries start-up work has trimmed); the count varies by about ±80 between starts with what the
# warm-up and export threads reach first.
#
# usage: bench/startup-classes.sh JAR [JAR...]    (as root)
set -euo pipefail
NS=fmbench-cls
trap 'ip netns del $NS 2>/dev/null || true' EXIT
for JAR in "$@"; do
	ip netns del $NS 2>/dev/null || true
	ip netns add $NS
	ip -n $NS link add fmcl0 type veth peer name fmcl1
	ip -n $NS link set lo up
	ip -n $NS link set fmcl0 up
	ip -n $NS link set fmcl1 up
	log=$(mktemp)
	coproc FM { exec ip netns exec $NS java -Xlog:class+load=info:file="$log" -jar "$JAR" -i fmcl0 --collector 127.0.0.1:9 2>&1; }
	pid=$FM_PID
	counts=""
	while IFS= read -r line <&"${FM[0]}"; do
		if [[ $line == *"syscall probes attached"* ]]; then
			counts="classes=$(wc -l < "$log") logback=$(grep -c ' ch\.qos\.logback' "$log" || true)"
			counts+=" kafka=$(grep -c ' org\.apache\.kafka' "$log" || true) typesafe-config=$(grep -c ' com\.typesafe' "$log" || true)"
			break
		fi
	done
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$log"
	echo "$JAR ${counts:-did not attach}"
done
