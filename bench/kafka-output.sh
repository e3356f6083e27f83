#!/usr/bin/env bash
# Kafka output throughput: one KafkaOutput (the daemon's, on its own sender thread) to a local
# KRaft broker (Kafka 3.9.1 from Maven Central, 127.0.0.1), RECORDS biflows timed from the first
# offer to the last acknowledgement, then read back. Needs `mvn -B -ntp -DskipTests package` first.
#   bash bench/kafka-output.sh [RECORDS [PRODUCER-PROPERTIES]]
#   e.g. bash bench/kafka-output.sh 2000000 'compression.type = none'
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-2000000}
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
# in one reactor run, so that the sibling modules resolve to their freshly compiled classes
mvn -B -ntp -q -pl daemon -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
exec java -Xmx1g -cp "daemon/target/test-classes:daemon/target/classes:$(cat "$CP_FILE")" \
    org.flowmond.daemon.output.kafka.KafkaOutputBench "$RECORDS" "${2:-}"
