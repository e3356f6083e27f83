#!/bin/bash
# Runs in the guest (run-attach-matrix.sh starts it): for each syscall-probe variant,
# loads the project's object with attach-check, makes loopback connections, and prints one
# result row: ROW|kernel|variant|attached|connect events|accept events|verdict.
# The verdict is "ok" only when every program attached and each expected connect and
# accept was reported once with the right PID and command name. Usage:
#   attach-matrix.sh ATTACH_CHECK_BINARY OBJECT_DIR
set -uo pipefail
checker="$1" objects="$2"
here="$(cd "$(dirname "$0")" && pwd)"
sysctl -q kernel.bpf_stats_enabled=1   # run_cnt in attach-check's output

# Counts expected lines that have exactly one matching event line.
matched() {
    local kind="$1" log="$2" n=0 pid comm
    while read -r pid comm; do
        [ "$(grep -c "^event $kind pid=$pid comm=$comm " "$log")" = 1 ] && n=$((n + 1))
    done < <(sed -n "s/^expect $kind pid=\([0-9]*\) comm=\(.*\)$/\1 \2/p" "$log")
    echo "$n"
}

# True when the running kernel is older than MAJOR.MINOR.
kernel_older_than() {
    local want="$1" have
    have="$(uname -r | cut -d- -f1 | cut -d. -f1,2)"
    [ "$(printf '%s\n%s\n' "$have" "$want" | sort -V | head -n1)" = "$have" ] && [ "$have" != "$want" ]
}

# row VARIANT OBJECT PORT [MIN_KERNEL]: MIN_KERNEL is the oldest kernel the object can load on.
row() {
    local variant="$1" object="$2" log port="$3" min_kernel="${4:-}"
    log="$(mktemp)"
    "$checker" "$objects/$object" -- "$here/loopback-connects.sh" "$port" >"$log" 2>&1
    cat "$log" | sed "s/^/[$variant] /"
    local expected_c expected_a got_c got_a attached verdict=FAIL
    expected_c="$(grep -c '^expect connect' "$log")"
    expected_a="$(grep -c '^expect accept' "$log")"
    got_c="$(matched connect "$log")"
    got_a="$(matched accept "$log")"
    attached="$(sed -n 's/^summary programs=\([0-9]*\) attached=\([0-9]*\).*/\2\/\1/p' "$log")"
    attached="${attached:-load failed}"
    if [ "$attached" != "load failed" ] && [ "${attached%/*}" = "${attached#*/}" ] \
        && [ "$expected_c" = 3 ] && [ "$got_c" = 3 ] && [ "$expected_a" = 3 ] && [ "$got_a" = 3 ] \
        && [ "$(grep -c '^event ' "$log")" = 6 ]; then
        verdict=ok
    fi
    # A variant older than its kernel needs must be refused at load, and says so (not a failure).
    if [ "$verdict" = FAIL ] && [ -n "$min_kernel" ] && kernel_older_than "$min_kernel" \
        && [ "$attached" = "load failed" ]; then
        verdict="n/a (needs $min_kernel)"
    fi
    echo "ROW|$(uname -r)|$variant|$attached|$got_c/$expected_c|$got_a/$expected_a|$verdict"
    rm -f "$log"
    case "$verdict" in ok|n/a*) ;; *) failures=$((failures + 1)) ;; esac
}

failures=0

row kprobe sock_kprobe.bpf.o 8091
row fentry sock_fentry.bpf.o 8092
row tracepoint sock_tp.bpf.o 8093
# task storage for the connecting socket (BPF_MAP_TYPE_TASK_STORAGE): Linux 5.11
row raw_tracepoint sock_rawtp.bpf.o 8094 5.11
exit $((failures > 0))
