#!/usr/bin/env bash
# Heap layout of the flow table's objects with JOL (offline, from ~/.m2): the field layout and size
# of each class, and the heap reachable from the biflows of N TCP flows seen both ways, with and
# without TCP health counters ((table at 2N - table at N) / N; the index slot and the deadline heap
# slot are not included). Compares jars side by side.
# usage: bench/layout/run.sh JAR:TEST_CLASSES [JAR:TEST_CLASSES ...]
#        (TEST_CLASSES: that build's daemon/target/test-classes, for FlowFixture)
set -euo pipefail
JOL=$(ls ~/.m2/repository/org/openjdk/jol/jol-core/*/jol-core-*.jar | grep -v sources | tail -1)
DIR=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for build in "$@"; do
	jar=${build%%:*}
	tests=${build#*:}
	mkdir -p "$WORK/classes"
	javac -d "$WORK/classes" -cp "$JOL:$jar:$tests" "$DIR/Layout.java" "$DIR/TcpFlowBytes.java"
	cp="$JOL:$jar:$tests:$WORK/classes"
	echo "== $jar"
	java -Djdk.attach.allowAttachSelf=true -cp "$cp" Layout 'org.flowmond.daemon.flow.Biflow$V4' \
		'org.flowmond.daemon.flow.Biflow$V6' org.flowmond.daemon.flow.TcpTrack org.flowmond.daemon.flow.EndOwners \
		org.flowmond.daemon.flow.KernelEntry 2>/dev/null | grep -E 'object internals|Instance size' | paste - -
	for health in true false; do
		java -Djdk.attach.allowAttachSelf=true -cp "$cp" org.flowmond.daemon.flow.TcpFlowBytes 400 $health 2>/dev/null | tail -1
	done
	rm -rf "$WORK/classes"
done
