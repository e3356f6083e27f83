#!/usr/bin/env bash
# Usage: fetch-kernel.sh KERNEL
# Resolves KERNEL to one of Debian's generic amd64 kernel packages, downloads it with
# `apt-get download` and unpacks it (dpkg-deb -x) into the cache, once; prints the
# unpacked directory. KERNEL is a series alias or an exact ABI name:
#   6.1    Debian 12's default kernel (what the meta-package linux-image-amd64 points at)
#   6.12   Debian 12's 6.12 series (meta-package linux-image-6.12-amd64, bookworm-security)
#   6.1.0-56, 6.12.117+deb12, ...   linux-image-<that>-amd64 exactly
# The cache ($FLOWMOND_VM_CACHE, default /var/cache/flowmond-vm) keeps one directory per
# package version; a new security update of a series is downloaded once more when it appears.
# The generic flavour only: -cloud-amd64 has no 9p, which the guest needs for its root.
set -euo pipefail

CACHE="${FLOWMOND_VM_CACHE:-/var/cache/flowmond-vm}"

die() { echo "fetch-kernel: $*" >&2; exit 1; }

# The kernel package a meta-package depends on, e.g. linux-image-6.1.0-56-amd64.
meta_target() {
    apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n1
}

resolve_package() {
    case "$1" in
        6.1)  meta_target linux-image-amd64 ;;
        6.12) meta_target linux-image-6.12-amd64 ;;
        *)    echo "linux-image-$1-amd64" ;;
    esac
}

# apt's lists may be missing on a fresh machine: update once, then ask again.
package_known() { apt-cache show "$1" >/dev/null 2>&1; }

main() {
    [ $# -eq 1 ] || die "usage: fetch-kernel.sh KERNEL   (6.1, 6.12, or an ABI name like 6.1.0-56)"
    local pkg
    pkg="$(resolve_package "$1")"
    if [ -z "$pkg" ] || ! package_known "$pkg"; then
        apt-get update -qq >&2 || true
        pkg="$(resolve_package "$1")"
    fi
    [ -n "$pkg" ] && package_known "$pkg" \
        || die "no Debian package for kernel '$1' (looked for ${pkg:-a meta-package}; see 'apt-cache search linux-image | grep amd64')"
    case "$pkg" in *-cloud-amd64|*-rt-amd64) die "$pkg: use the generic flavour (cloud lacks 9p)";; esac

    local version dir
    version="$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')"
    dir="$CACHE/kernels/$pkg@$version"
    if [ ! -e "$dir/.complete" ]; then
        download_and_unpack "$pkg" "$version" "$dir"
    fi
    echo "$dir"
}

download_and_unpack() {
    local pkg="$1" version="$2" dir="$3" tmp
    mkdir -p "$CACHE/kernels"
    tmp="$(mktemp -d "$CACHE/kernels/.download.XXXXXX")"
    echo "fetch-kernel: downloading $pkg=$version" >&2
    # apt drops privileges to _apt for downloads; let it write here.
    chmod 777 "$tmp"
    (cd "$tmp" && apt-get download -q "$pkg=$version" >&2) || die "apt-get download $pkg=$version failed"
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$tmp"/*.deb "$dir"
    rm -rf "$tmp"
    ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1 || die "$pkg has no /boot/vmlinuz-*"
    # The package ships no modules.dep (its postinst makes it): make it here, so the
    # initramfs builder can order modules and the guest's modprobe can load the rest.
    local kver
    kver="$(basename "$(ls -d "$dir"/lib/modules/*)")"
    depmod -b "$dir" "$kver"
    echo "$pkg=$version" > "$dir/.complete"
}

main "$@"
