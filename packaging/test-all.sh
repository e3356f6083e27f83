#!/usr/bin/env bash
# The whole test suite, as README.md gives it and .ci/run runs it (as root, after install-deps.sh):
# 1. the syscall-probe objects attached by plain libbpf on Debian's 5.10, 6.1 and 6.12 kernels under
#    qemu (kprobe, fentry, tracepoint: packaging/vm/README.md);
# 2. every module's tests (real BPF in this kernel, namespaces, real collectors), then in the
#    package phase the jar tests, including the daemon end to end on the same kernels (kprobe,
#    fentry, auto) and the .deb under systemd as PID 1 on 6.1.
set -euo pipefail
cd "$(dirname "$0")/.."
KERNELS=${FLOWMOND_VM_KERNELS:-5.10,6.1,6.12}
SYSTEMD_KERNEL=${FLOWMOND_VM_SYSTEMD_KERNEL:-6.1}

bash packaging/vm/run-attach-matrix.sh ${KERNELS//,/ }
mvn -B -ntp verify -Dflowmond.vm.kernels="$KERNELS" -Dflowmond.vm.systemd-kernel="$SYSTEMD_KERNEL"
