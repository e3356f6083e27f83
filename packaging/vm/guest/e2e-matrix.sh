#!/bin/bash
# Runs e2e-scenario.sh once per syscall-hook variant in this guest (one boot per kernel):
#   e2e-matrix.sh JAR OUT_DIR VARIANT...
# `auto` runs auto-choice.sh instead: only which variant it picks is new in that cell.
# Each variant's artifacts go to OUT_DIR/VARIANT; a failed variant does not stop the others.
# Exit status 1 when any scenario failed to run (the host's checks judge the results).
set -uo pipefail
jar="$1" out="$2"
shift 2
failed=0
for variant in "$@"; do
    if [ "$variant" = auto ]; then
        scenario=("$(dirname "$0")/auto-choice.sh" "$jar" "$out/$variant")
    else
        scenario=("$(dirname "$0")/e2e-scenario.sh" "$variant" "$jar" "$out/$variant")
    fi
    if ! "${scenario[@]}"; then
        echo "e2e-matrix: scenario $variant failed on $(uname -r)" >&2
        failed=1
    fi
done
exit "$failed"
