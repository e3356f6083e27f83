#!/usr/bin/env bash
# Usage: run-guest.sh [options] KERNEL -- COMMAND [ARG...]
#
# Boots one of Debian's kernels (KERNEL: 6.1, 6.12 or an ABI name, see fetch-kernel.sh)
# under qemu with software emulation, the host's root file system as the guest's root
# (read-only over 9p, with a tmpfs overlay so the guest can write), runs COMMAND there as
# root (in the directory this script was called from), prints its output, and exits with
# COMMAND's exit status. A guest that does not finish within the timeout is killed, and
# the script fails printing the guest's console log; so does a guest that dies.
#
# Options:
#   --timeout SECONDS   kill the guest after this long (default 600)
#   --out DIR           copy what COMMAND wrote to $FLOWMOND_VM_OUT into DIR afterwards
#   --systemd           boot systemd as PID 1 (switch_root to the overlay); COMMAND then runs
#                       as the unit flowmond-vm-job.service once basic.target is up (guest/systemd/)
#   --verbose           stream the guest's console while it runs
#   --keep              keep the job directory (command, console log, output) for debugging
#
# In the guest: proc, sys, dev, /tmp, /run, tracefs, debugfs, bpffs and cgroup2 are mounted,
# lo is up, and `modprobe` loads this kernel's modules. COMMAND sees FLOWMOND_VM_KERNEL
# (uname -r), FLOWMOND_VM_OUT (a directory shared with the host) and the host's CI variable.
# Environment: FLOWMOND_VM_CACHE (default /var/cache/flowmond-vm) holds kernels and jobs.
# FLOWMOND_VM_GUESTS (default 1): how many guests may run at once on this machine. Each guest
# holds one of that many slots (lock files in the cache; slot 0 is guest.lock) and waits while all
# are taken. One guest keeps one host core busy (its single TCG thread: 0.96-0.99 of a core
# measured), so more guests than cores would only take turns on them.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${FLOWMOND_VM_CACHE:-/var/cache/flowmond-vm}"
TIMEOUT=600 OUT="" MODE=run VERBOSE=0 KEEP=0
# qemu 7.2 is the first whose TCG emulates AVX/AVX2, and a JVM in the guest, whose JIT uses
# them, crashed once in HashMap code (SIGSEGV in C1 code, before flowmond touched any BPF).
# Without AVX the JIT uses SSE4.2, which TCG has emulated for years. FLOWMOND_VM_CPU overrides.
GUEST_CPU="${FLOWMOND_VM_CPU:-max,avx=off,avx2=off,fma=off,f16c=off,vaes=off,vpclmulqdq=off}"
# One TCG thread for both vCPUs: with multi-threaded TCG a guest JVM died twice in ~20 starts
# with SIGSEGV/SIGILL inside freshly compiled C1 code (a JIT patches code while the other vCPU
# runs it, which x86 allows and MTTCG may not emulate exactly). It also leaves a host core free.
GUEST_ACCEL="${FLOWMOND_VM_ACCEL:-tcg,thread=single}"

die() { echo "run-guest: $*" >&2; exit 2; }

parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --timeout) TIMEOUT="$2"; shift 2 ;;
            --out)     OUT="$2"; shift 2 ;;
            --systemd) MODE=systemd; shift ;;
            --verbose) VERBOSE=1; shift ;;
            --keep)    KEEP=1; shift ;;
            --)        die "KERNEL missing before --" ;;
            -*)        die "unknown option $1" ;;
            *)         break ;;
        esac
    done
    [ $# -ge 3 ] && [ "$2" = "--" ] || die "usage: run-guest.sh [options] KERNEL -- COMMAND [ARG...]"
    KERNEL="$1"
    shift 2
    COMMAND=("$@")
}

# The job directory is shared read-write with the guest (9p tag "job") at the same path.
write_job() {
    local kdir="$1" q
    mkdir -p "$JOB/out"
    cat > "$JOB/env" <<ENV
JOB_DIR='$JOB'
KERNEL_DIR='$kdir'
MODE='$MODE'
GUEST_CWD='$PWD'
ENV
    printf -v q '%q ' "${COMMAND[@]}"
    cat > "$JOB/command" <<CMD
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
export CI='${CI:-}'
export FLOWMOND_VM_KERNEL="\$(uname -r)" FLOWMOND_VM_OUT='$JOB/out'
$q
CMD
}

mode_cmdline() {
    [ "$MODE" = systemd ] && echo "systemd.unit=flowmond-vm.target"
    return 0
}

boot_guest() {
    local kdir="$1" kernel
    kernel="$(ls "$kdir"/boot/vmlinuz-*)"
    local args=(
        -accel "$GUEST_ACCEL" -cpu "$GUEST_CPU" -m 2048 -smp 2 -nographic -no-reboot -net none
        -kernel "$kernel" -initrd "$JOB/initramfs.cpio.gz"
        -append "console=ttyS0 panic=-1 quiet loglevel=4 $(mode_cmdline)"
        -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
        -virtfs "local,path=$JOB,mount_tag=job,security_model=none,multidevs=remap"
    )
    if [ "$VERBOSE" = 1 ]; then
        timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${args[@]}" </dev/null > >(tee "$JOB/console.log" >&2) 2>&1 &
    else
        timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${args[@]}" </dev/null >"$JOB/console.log" 2>&1 &
    fi
    QEMU_JOB=$!
    local rc=0
    wait "$QEMU_JOB" || rc=$?
    QEMU_JOB=""
    return "$rc"
}

# Holds one of FLOWMOND_VM_GUESTS guest slots on fd 9 until this script exits (or flock -u 9).
# A caller with fewer slots looks at a prefix of the same files, so guests of callers with different
# limits never exceed the largest limit.
take_guest_slot() {
    local slots="${FLOWMOND_VM_GUESTS:-1}" i waiting=0
    [[ "$slots" =~ ^[1-9][0-9]*$ ]] || die "FLOWMOND_VM_GUESTS must be a positive number, not '$slots'"
    while true; do
        for ((i = 0; i < slots; i++)); do
            if [ "$i" = 0 ]; then exec 9>"$CACHE/guest.lock"; else exec 9>"$CACHE/guest.lock.$i"; fi
            flock -n 9 && return 0
            exec 9>&-
        done
        if [ "$waiting" = 0 ]; then
            echo "run-guest: $slots guest(s) already running on this machine; waiting for one to end" >&2
            waiting=1
        fi
        sleep 1
    done
}

cleanup() {
    # Never leave a guest running, whatever stopped this script: `timeout` passes the
    # signal on to qemu (and kills it anyway when the timeout expires).
    if [ -n "${QEMU_JOB:-}" ]; then
        kill "$QEMU_JOB" 2>/dev/null || true
        wait "$QEMU_JOB" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then echo "run-guest: job kept in $JOB" >&2; else rm -rf "$JOB"; fi
    return 0
}

print_console() {
    echo "----- guest console log ($1) -----" >&2
    cat "$JOB/console.log" >&2
    echo "----- end of console log -----" >&2
}

main() {
    parse_args "$@"
    command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (packaging/install-deps.sh installs it)"
    local kdir
    kdir="$("$HERE/fetch-kernel.sh" "$KERNEL")"
    mkdir -p "$CACHE/jobs"
    JOB="$(mktemp -d "$CACHE/jobs/job.XXXXXX")"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    write_job "$kdir"
    "$HERE/build-initramfs.sh" "$kdir" "$JOB/initramfs.cpio.gz"

    take_guest_slot
    local start=$SECONDS rc=0
    boot_guest "$kdir" || rc=$?
    local took=$((SECONDS - start))
    flock -u 9

    local label
    label="$(basename "$kdir")"
    # What the command left for the host, even when it failed: that is when it is needed most.
    [ -n "$OUT" ] && mkdir -p "$OUT" && cp -a "$JOB/out/." "$OUT/"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        print_console "timed out after ${TIMEOUT}s"
        echo "run-guest: $label: TIMEOUT after ${TIMEOUT}s" >&2
        exit 124
    fi
    if [ ! -s "$JOB/exit-status" ]; then
        print_console "qemu exit status $rc, no command exit status"
        echo "run-guest: $label: guest died before the command finished" >&2
        exit 125
    fi
    local status
    status="$(cat "$JOB/exit-status")"
    [ "$VERBOSE" = 1 ] || cat "$JOB/output"
    echo "run-guest: $label: exit status $status, guest ran ${took}s" >&2
    exit "$status"
}

main "$@"
