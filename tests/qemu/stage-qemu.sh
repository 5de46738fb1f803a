#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage the host's QEMU for the L1 guest's initramfs:
#
#   tests/qemu/stage-qemu.sh [QEMU]     prints the staged tree's directory
#
# The tree (build/qemu-migrate/stage/) holds QEMU (default: the
# qemu-system-x86_64 on PATH), every library `ldd` names for it and the
# dynamic loader, each at its own absolute path (the initramfs has no
# merged /usr, so the paths the loader looks up are copied as they are),
# and the firmware an L2 VM of `-machine pc` needs: /usr/share/seabios
# (bios-256k.bin) and the option ROMs from /usr/share/qemu (kvmvapic.bin,
# linuxboot_dma.bin for an L2 started with -kernel, pvh.bin). Debian's QEMU
# finds both directories through its built-in firmware path. It is rebuilt
# only when QEMU or this script is newer than the tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
qemu=${1:-$(command -v qemu-system-x86_64 || true)}
out=$top/build/qemu-migrate/stage
die() { echo "stage-qemu: $*" >&2; exit 1; }

[ -n "$qemu" ] && [ -x "$qemu" ] || die "no qemu-system-x86_64"
qemu=$(readlink -f "$qemu")
if [ -f "$out/.staged" ] && [ "$(cat "$out/.staged")" = "$qemu" ] &&
	[ -z "$(find "$qemu" "$0" -newer "$out/.staged" -print -quit)" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp/usr/bin"
cp "$qemu" "$out.tmp/usr/bin/qemu-system-x86_64"

# "libX.so => /path (addr)" and the loader's own "/lib64/ld-linux... (addr)".
libs=$(LC_ALL=C ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') ||
	die "ldd $qemu failed"
missing=$(LC_ALL=C ldd "$qemu" | grep 'not found' || true)
[ -z "$missing" ] || die "ldd: $missing"
for l in $libs; do
	mkdir -p "$out.tmp${l%/*}"
	cp -L "$l" "$out.tmp$l"
done

for d in /usr/share/seabios; do
	[ -d "$d" ] || die "$d missing (install seabios; a dependency of qemu-system-x86)"
	mkdir -p "$out.tmp$d"
	cp -L "$d"/*.bin "$out.tmp$d/"
done
mkdir -p "$out.tmp/usr/share/qemu"
for f in kvmvapic.bin linuxboot.bin linuxboot_dma.bin pvh.bin multiboot_dma.bin; do
	[ -f "/usr/share/qemu/$f" ] && cp -L "/usr/share/qemu/$f" "$out.tmp/usr/share/qemu/"
done
[ -f "$out.tmp/usr/share/seabios/bios-256k.bin" ] || die "no /usr/share/seabios/bios-256k.bin"
echo "$qemu" >"$out.tmp/.staged"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "stage-qemu: $(du -sh "$out" | cut -f1) in ${out#"$top"/}: $(echo "$libs" | wc -w) libraries" >&2
echo "$out"
