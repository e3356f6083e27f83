#!/usr/bin/env bash
# Usage: build-initramfs.sh KERNEL_DIR OUT.cpio.gz
# Builds the guest's tiny initramfs: busybox (static), guest/init, and the kernel modules
# that init needs before the root file system exists (virtio-pci, 9p over virtio, overlay),
# taken from the unpacked kernel package KERNEL_DIR (see fetch-kernel.sh), decompressed
# (busybox insmod reads plain .ko) and listed in load order (dependencies first).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# What init must load itself; everything else the guest loads with modprobe from the
# kernel package, which init bind-mounts at /lib/modules/<version>.
BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

die() { echo "build-initramfs: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: build-initramfs.sh KERNEL_DIR OUT.cpio.gz"
kdir="$1" out="$2"
kver="$(basename "$(ls -d "$kdir"/lib/modules/*)")"
moddir="$kdir/lib/modules/$kver"
[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing (fetch-kernel.sh runs depmod)"
[ -x /bin/busybox ] || die "/bin/busybox missing: apt-get install busybox-static"

# modules.dep line: "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko".
# Its dependency list is complete (transitive) and loads correctly read from the end.
dep_line() { grep -E "(^|/)$1\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" || true; }
is_builtin() { grep -qE "(^|/)$1\.ko$" "$moddir/modules.builtin"; }

load_order() {
    local m line deps path
    for m in "${BOOT_MODULES[@]}"; do
        line="$(dep_line "$m")"
        if [ -z "$line" ]; then
            is_builtin "$m" && continue
            die "module $m is neither in modules.dep nor built into $kver"
        fi
        path="${line%%:*}"
        read -r -a deps <<<"${line#*:}"
        for ((i = ${#deps[@]} - 1; i >= 0; i--)); do echo "${deps[i]}"; done
        echo "$path"
    done | awk '!seen[$0]++'
}

decompress() {
    case "$1" in
        *.ko.xz)  xz -dc "$1" ;;
        *.ko.zst) zstd -qdc "$1" ;;
        *.ko.gz)  gzip -dc "$1" ;;
        *.ko)     cat "$1" ;;
    esac
}

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,modules,lower,rw,newroot,job}
cp /bin/busybox "$root/bin/busybox"
cp "$HERE/guest/init" "$root/init"
cp -r "$HERE/guest/systemd" "$root/systemd"
chmod +x "$root/init"
: > "$root/modules/load-order"
while read -r rel; do
    name="$(basename "$rel")"
    name="${name%%.ko*}"
    decompress "$moddir/$rel" > "$root/modules/$name.ko"
    echo "$name" >> "$root/modules/load-order"
done < <(load_order)
echo "$kver" > "$root/kernel-version"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out"
