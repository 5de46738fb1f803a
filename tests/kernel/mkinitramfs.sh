#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the busybox initramfs for one boot test.
#
#   tests/kernel/mkinitramfs.sh [--init FILE] [--tree DIR]... IMAGE_DIR KVER OUT.cpio PRODUCT.ko PORTABLE.ko [TOOL...]
#
# IMAGE_DIR is an unpacked, depmod-indexed kernel package (fetch-image.sh).
# The initramfs holds a static busybox, tests/kernel/init.sh as /init, our two
# modules, the static test programs TOOL... in /bin (vfio_check) and the
# kernel modules they need, decompressed (busybox insmod
# cannot load .ko.xz / .ko.zst). /etc/vfmig/deps lists those in load order,
# one "req NAME" or "opt NAME" a line: "opt" ones come from softdeps (e.g.
# libcrc32c's "pre: crc32c" alias, which names crc32c_intel too; it does not
# load on a CPU without SSE4.2, which is fine as long as crc32c_generic does).
#
# --init FILE puts FILE at /init instead of init.sh; --tree DIR copies the
# staged tree DIR over the root as it is (e.g. a dynamically linked program
# with its libraries at their own paths: tests/qemu/stage-qemu.sh), after
# everything else. Without them the image is what boot-test.sh always got.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

usage="usage: mkinitramfs.sh [--init FILE] [--tree DIR]... IMAGE_DIR KVER OUT.cpio PRODUCT.ko PORTABLE.ko [TOOL...]"
init_src=
trees=()
while [ $# -gt 0 ]; do
	case $1 in
	--init) init_src=${2:?$usage}; shift 2 ;;
	--tree) trees+=("${2:?$usage}"); shift 2 ;;
	*) break ;;
	esac
done
img=${1:?$usage}
kver=${2:?$usage}
out=${3:?$usage}
product=${4:?$usage}
portable=${5:?$usage}
shift 5
tools=("$@")
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# Kernel modules every boot test loads whatever our modules declare: the vfio
# stack a vfio-pci variant driver sits on.
BASE_MODULES=(vfio vfio_iommu_type1 vfio_pci_core)

mdir=$img/lib/modules/$kver
[ -f "$mdir/modules.dep" ] || die "$mdir/modules.dep missing (run fetch-image.sh)"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && busybox=$b && break
done
[ -n "$busybox" ] || die "busybox not found (install busybox-static)"
# Only a static busybox runs in an initramfs without a C library.
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (install busybox-static)"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/vfmig} \
	"$stage/lib/modules/deps" "$stage/lib/modules/vfmig"
cp "$busybox" "$stage/bin/busybox"
cp "${init_src:-$here/init.sh}" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"
# Test programs run without a C library too: static only.
for t in "${tools[@]}"; do
	[ -x "$t" ] || die "$t is not an executable"
	if LC_ALL=C ldd "$t" >/dev/null 2>&1; then
		die "$t is dynamically linked (build it with -static)"
	fi
	if command -v strip >/dev/null; then
		strip --strip-debug -o "$stage/bin/${t##*/}" "$t"
	else
		cp "$t" "$stage/bin/${t##*/}"
	fi
done

# Module name of a path or name, in REPLY (no subshell: thousands of calls).
norm() { REPLY=${1##*/}; REPLY=${REPLY%%.ko*}; REPLY=${REPLY//-/_}; }

# name -> "path: deps..." line of modules.dep, and builtin names.
declare -A dep_line=() builtin=() kind=() softdep=()
while IFS= read -r line; do
	norm "${line%%:*}"
	dep_line[$REPLY]=$line
done <"$mdir/modules.dep"
if [ -f "$mdir/modules.builtin" ]; then
	while IFS= read -r line; do norm "$line"; builtin[$REPLY]=1; done <"$mdir/modules.builtin"
fi
while read -r w mod rest; do
	[ "$w" = softdep ] || continue
	norm "$mod"
	softdep[$REPLY]=$rest
done <"$mdir/modules.softdep"

order=()
declare -A seen=()

# Aliases (e.g. "crc32c") name one or more modules.
alias_targets() {
	awk -v a="$1" '$1 == "alias" && $2 == a { print $3 }' "$mdir/modules.alias"
}

# Walk a module: its pre softdeps (optional), its dependencies (same kind as
# the module), then the module itself, so the order is a valid load order.
visit() {	# name req|opt
	local n k=$2 line deps i pre s t found=0
	norm "$1"
	n=$REPLY
	line=${dep_line[$n]:-}
	if [ -n "${seen[$n]:-}" ]; then
		# Needed for real after all: so are its dependencies.
		if [ "$k" = req ] && [ "${kind[$n]:-}" = opt ]; then
			kind[$n]=req
			read -r -a deps <<<"${line#*:}"
			for ((i = ${#deps[@]} - 1; i >= 0; i--)); do visit "${deps[$i]}" req; done
		fi
		return 0
	fi
	seen[$n]=1
	[ -n "${builtin[$n]:-}" ] && return 0
	if [ -z "$line" ]; then
		for t in $(alias_targets "$1"); do
			visit "$t" "$k"
			found=1
		done
		[ $found = 1 ] || [ "$k" = opt ] ||
			die "module '$1' is neither in $kver's modules.dep nor built in"
		return 0
	fi
	if [[ ${softdep[$n]:-} == *pre:* ]]; then
		pre=${softdep[$n]#*pre:}
		pre=${pre%%post:*}
		for s in $pre; do visit "$s" opt; done
	fi
	read -r -a deps <<<"${line#*:}"
	# modules.dep lists dependencies so that the last one loads first.
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do visit "${deps[$i]}" "$k"; done
	kind[$n]=$k
	order+=("$n")
}

# Our modules' own needs: "depends" (hard) and "softdep pre:" (optional).
roots=("${BASE_MODULES[@]}")
for ko in "$product" "$portable"; do
	[ -f "$ko" ] || die "$ko not found"
	IFS=, read -r -a d <<<"$(modinfo -F depends "$ko")"
	# the test module depends on the product module, which is ours too
	for m in "${d[@]}"; do
		[ "$m" = i40e_vfio_pci ] || roots+=("$m")
	done
	sd=$(modinfo -F softdep "$ko" | tr '\n' ' ')
	if [[ $sd == *pre:* ]]; then
		sd=${sd#*pre:}
		sd=${sd%%post:*}
		for s in $sd; do visit "$s" opt; done
	fi
done
for r in "${roots[@]}"; do
	[ -n "$r" ] && visit "$r" req
done

: >"$stage/etc/vfmig/deps"
for n in "${order[@]}"; do
	line=${dep_line[$n]}
	src=$mdir/${line%%:*}
	dst=$stage/lib/modules/deps/$n.ko
	# VFMIG_VFIO_KO: a vfio.ko rebuilt with iova_bitmap (build-vfio.sh)
	if [ "$n" = vfio ] && [ -n "${VFMIG_VFIO_KO:-}" ]; then
		src=$VFMIG_VFIO_KO
	fi
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "unknown module format: $src" ;;
	esac
	echo "${kind[$n]} $n" >>"$stage/etc/vfmig/deps"
done

# Our modules without debug info: several MB less to load under TCG. The
# sizes the test reports are those of the built .ko files.
for ko in "$product" "$portable"; do
	dst=$stage/lib/modules/vfmig/${ko##*/}
	if command -v strip >/dev/null; then
		strip --strip-debug -o "$dst" "$ko"
	else
		cp "$ko" "$dst"
	fi
done

for t in "${trees[@]}"; do
	[ -d "$t" ] || die "--tree $t is not a directory"
	cp -a "$t/." "$stage/"
done

# Uncompressed: unpacking is a memcpy, decompressing under TCG is not.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: ${out##*/}: $(stat -c %s "$out") bytes; modules: $(tr '\n' ' ' <"$stage/etc/vfmig/deps")" >&2
