#!/usr/bin/env bash
# Export path: the ipfix-exporter JMH benchmarks, one fork, shortened iterations: EncodeBenchmark
# (encoding only, -prof gc) and ExportBenchmark (encoded and sent to a local socat collector over
# UDP, TCP and TLS, side by side; needs socat and openssl). About two minutes. Writes $OUT_DIR/jmh.json (JMH's JSON),
# $OUT_DIR/jmh.log and $OUT_DIR/export-jmh.md.
#
# usage: bench/export-jmh.sh      env: JMH_ARGS (default below), MVN (default: mvn -B -ntp -o -q)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JMH_ARGS=${JMH_ARGS:-"-f 1 -wi 2 -w 1s -i 5 -r 1s -prof gc"}
MVN=${MVN:-"mvn -B -ntp -o -q"}
mkdir -p "$OUT_DIR"
cmd="$MVN -pl ipfix-exporter test-compile exec:exec@bench -Dbench.args=\"$JMH_ARGS -rf json -rff $OUT_DIR/jmh.json 'EncodeBenchmark|ExportBenchmark'\""
log "$cmd"
rm -f "$OUT_DIR/jmh.json"
# shellcheck disable=SC2086
(cd "$ROOT_DIR" && $MVN -pl ipfix-exporter test-compile exec:exec@bench \
	-Dbench.args="$JMH_ARGS -rf json -rff $OUT_DIR/jmh.json EncodeBenchmark|ExportBenchmark") > "$OUT_DIR/jmh.log" 2>&1 \
	|| { log "JMH failed, see $OUT_DIR/jmh.log"; tail -20 "$OUT_DIR/jmh.log" >&2; exit 1; }
"${PYTHON:-/usr/bin/python3}" "$BENCH_DIR/render.py" jmh "$OUT_DIR/jmh.json" "$cmd" > "$OUT_DIR/export-jmh.md"
log "wrote $OUT_DIR/export-jmh.md"
