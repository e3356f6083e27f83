#!/usr/bin/env bash
# The flow table's merge of one full scan, alone: MergeBenchmark (JMH, daemon's test sources) on
# this checkout and on an earlier revision side by side, alternating, ROUNDS times each. The
# benchmark and the daemon pom's JMH set-up are copied into a `git archive` of BASE_REV, so both
# builds run the same benchmark code against their own flow table. About 2.5 minutes per run.
# Writes $OUT_DIR/merge-jmh.tsv (round, build, benchmark, ms per merge) and $OUT_DIR/merge-jmh-*.log.
#
# usage: bench/merge-jmh.sh [BASE_REV] [ROUNDS]     (default: main, 2)
# env:   JMH_ARGS (default: -f 1 -wi 3 -i 7), FLOWS (default 1000000), MVN (default: mvn -B -ntp -o -q)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BASE_REV=${1:-main}
ROUNDS=${2:-2}
JMH_ARGS=${JMH_ARGS:-"-f 1 -wi 3 -i 7"}
FLOWS=${FLOWS:-1000000}
MVN=${MVN:-"mvn -B -ntp -o -q"}
mkdir -p "$OUT_DIR"
BASE_DIR=$OUT_DIR/merge-base
BENCH=daemon/src/test/java/org/flowmond/daemon/flow/MergeBenchmark.java

rm -rf "$BASE_DIR" && mkdir -p "$BASE_DIR"
git -C "$ROOT_DIR" archive "$BASE_REV" | tar -x -C "$BASE_DIR"
cp "$ROOT_DIR/$BENCH" "$BASE_DIR/$BENCH"
cp "$ROOT_DIR/daemon/pom.xml" "$BASE_DIR/daemon/pom.xml"
for dir in "$BASE_DIR" "$ROOT_DIR"; do
	log "building $dir"
	(cd "$dir" && $MVN -DskipTests install >/dev/null && $MVN -pl daemon test-compile >/dev/null)
done

TSV=$OUT_DIR/merge-jmh.tsv
printf 'round\tbuild\tbenchmark\tms\terror_ms\n' > "$TSV"
for round in $(seq 1 "$ROUNDS"); do
	for build in base new; do
		dir=$ROOT_DIR; [ "$build" = base ] && dir=$BASE_DIR
		json=$OUT_DIR/merge-jmh-$build-$round.json
		log "round $round: $build ($dir)"
		# install first: the other build's artifacts in ~/.m2 must not be the ones on the class path
		(cd "$dir" && $MVN -DskipTests install >/dev/null && $MVN -pl daemon exec:exec@bench \
			-Dbench.args="$JMH_ARGS -p flows=$FLOWS -rf json -rff $json MergeBenchmark") \
			> "$OUT_DIR/merge-jmh-$build-$round.log" 2>&1
		"${PYTHON:-/usr/bin/python3}" - "$json" "$round" "$build" >> "$TSV" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    m = r["primaryMetric"]
    print(f'{sys.argv[2]}\t{sys.argv[3]}\t{r["benchmark"].rsplit(".", 1)[1]}\t{m["score"]:.1f}\t{m["scoreError"]:.1f}')
PY
	done
done
column -t "$TSV"
log "raw results in $TSV"
