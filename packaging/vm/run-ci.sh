#!/usr/bin/env bash
# The whole qemu kernel matrix in one command, for .ci/run after `mvn -B -ntp verify` (it uses
# the built tree: bpf/target/classes/bpf/*.bpf.o, daemon/target/flowmond.jar, test classes):
#
#     bash packaging/vm/run-ci.sh [KERNELS [SYSTEMD_KERNEL]]      (defaults: 6.1,6.12 and 6.1)
#
# 1. run-attach-matrix.sh: the syscall-probe objects attach on each kernel (plain libbpf);
# 2. KernelMatrixJarTest: the daemon end to end per kernel x syscall-hook (kprobe, fentry, socket,
#    raw_tracepoint, auto), guests in parallel (packaging/vm/README.md);
# 3. SystemdServiceJarTest: the .deb under systemd as PID 1 on one kernel.
# Runs all three even when one fails; exits 1 if any failed. Prints each part's duration.
set -uo pipefail
cd "$(dirname "$0")/../.."
kernels="${1:-6.1,6.12}"
systemd_kernel="${2:-6.1}"
failed=0

timed() {   # timed LABEL COMMAND...
    local start=$SECONDS
    "${@:2}" || { failed=1; echo "run-ci: $1 FAILED" >&2; }
    echo "run-ci: $1 took $((SECONDS - start))s" >&2
}

timed "attach matrix ($kernels)" packaging/vm/run-attach-matrix.sh ${kernels//,/ }
timed "daemon matrix ($kernels) + systemd ($systemd_kernel)" \
    mvn -B -ntp -pl daemon surefire:test@jar-tests -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest=KernelMatrixJarTest,SystemdServiceJarTest \
    -Dflowmond.vm.kernels="$kernels" -Dflowmond.vm.systemd-kernel="$systemd_kernel"
[ -f daemon/target/vm/kernel-matrix.md ] && cat daemon/target/vm/kernel-matrix.md
[ -f daemon/target/vm/systemd/result.txt ] && cat daemon/target/vm/systemd/result.txt
exit "$failed"
