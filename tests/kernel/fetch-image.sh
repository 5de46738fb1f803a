#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and unpack the Debian kernel image that matches an installed header
# tree, so boot tests run exactly the kernel our modules were built against.
#
#   tests/kernel/fetch-image.sh KVER     prints the unpacked image directory
#
# The package version is pinned to the installed linux-headers-KVER package's
# version: a different build of "the same" kernel would refuse our modules
# (modversions) or, worse, load them against a different ABI. The signed
# image is preferred, the -unsigned one is the fallback (same kernel, same
# modules). The .deb is cached in build/kernel-images/ and reused; the tree
# is unpacked into build/kernel-images/KVER/ and indexed with depmod (the
# package ships no modules.dep: its postinst generates it).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

kver=${1:?usage: fetch-image.sh KVER}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=$top/build/kernel-images
mkdir -p "$cache"

die() { echo "fetch-image: $*" >&2; exit 1; }

# One fetch per kernel at a time (parallel boot tests share the cache).
exec 9>"$cache/.lock-$kver"
flock 9

ver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver" 2>/dev/null) ||
	die "linux-headers-$kver is not installed (run scripts/install-deps.sh)"
[ -n "$ver" ] || die "linux-headers-$kver has no installed version"

dir=$cache/$kver
if [ -f "$dir/.unpacked" ] && [ "$(cat "$dir/.unpacked")" = "$ver" ] &&
	[ -f "$dir/boot/vmlinuz-$kver" ] && [ -f "$dir/lib/modules/$kver/modules.dep" ]; then
	echo "$dir"
	exit 0
fi

pkgs=("linux-image-$kver" "linux-image-$kver-unsigned")
deb=
for pkg in "${pkgs[@]}"; do
	for f in "$cache/${pkg}_"*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$pkg" ] &&
			[ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
			deb=$f
			break 2
		fi
	done
done

tmp=$(mktemp -d "$cache/.tmp-$kver.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -z "$deb" ]; then
	for pkg in "${pkgs[@]}"; do
		mkdir -p "$tmp/dl"
		# Downloaded into a private directory and moved into the cache
		# only when complete, so an interrupted download is never reused.
		if (cd "$tmp/dl" && apt-get download -q "$pkg=$ver") >"$tmp/apt.log" 2>&1; then
			f=$(find "$tmp/dl" -maxdepth 1 -name '*.deb' | head -n 1)
			[ -n "$f" ] || continue
			mv "$f" "$cache/"
			deb=$cache/${f##*/}
			echo "fetch-image: downloaded ${deb#"$top"/}" >&2
			break
		fi
		rm -rf "$tmp/dl"
	done
	[ -n "$deb" ] || die "cannot download linux-image-$kver (or -unsigned) version $ver: $(tail -n 2 "$tmp/apt.log" | tr '\n' ' ')"
fi

rm -rf "$dir"
dpkg-deb -x "$deb" "$tmp/root" || die "cannot unpack ${deb#"$top"/}"
[ -f "$tmp/root/boot/vmlinuz-$kver" ] || die "${deb#"$top"/} has no boot/vmlinuz-$kver"
depmod -b "$tmp/root" "$kver" || die "depmod failed on the unpacked $kver tree"
echo "$ver" >"$tmp/root/.unpacked"
mv "$tmp/root" "$dir"
echo "$dir"
