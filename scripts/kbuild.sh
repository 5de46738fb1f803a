#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a vfmig kernel module with Kbuild against one kernel header tree.
#
#   scripts/kbuild.sh KDIR product            i40e_vfio_pci.ko
#   scripts/kbuild.sh KDIR portable [CANARY]  vfmig_portable.ko: every portable
#                                             source, so a portability break
#                                             (libc call, floating point, VLA,
#                                             big stack frame) fails the build
#
# The tree is staged into build/kbuild/<kernel>/<what>/ so builds against
# several kernels never share object files and the source tree stays clean.
# Every file is also checked with sparse (when installed, as install-deps.sh
# does). Any compiler, sparse or modpost warning fails the build: the module
# must build warning-free.
set -euo pipefail

kdir=${1:?usage: kbuild.sh KDIR product|portable [CANARY.c]}
kind=${2:?usage: kbuild.sh KDIR product|portable [CANARY.c]}
canary=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -f "$kdir/Makefile" ]; then
	echo "kbuild: no kernel headers at '$kdir' (run scripts/install-deps.sh, or pass KDIR=)" >&2
	exit 2
fi
kver=$(basename "$kdir"); kver=${kver#linux-headers-}
name=$kind
[ -n "$canary" ] && name=$kind-$(basename "$canary" .c)
stage=$top/build/kbuild/$kver/$name
mkdir -p "$stage"

# Object files, .cmd files and outputs are excluded, so --delete keeps them
# and rebuilds stay incremental; removed sources disappear from the stage.
srcs=()
for d in Kbuild include driver pf-agent model guest tests/kbuild tests/selftest; do
	[ -e "$top/$d" ] && srcs+=("$d")
done
(cd "$top" && rsync -a --delete -R \
	--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='modules.order' --exclude='Module.symvers' \
	--exclude='*.log' --exclude='.tmp_*' \
	"${srcs[@]}" "$stage/")

canary_obj=
[ -n "$canary" ] && canary_obj=${canary%.c}.o

# The test module's model backend registers with i40e_vfio_pci: resolve
# its symbols against the product module built for the same kernel.
extra=()
if [ "$kind" = portable ]; then
	symvers=$top/build/kbuild/$kver/product/Module.symvers
	if [ ! -f "$symvers" ]; then
		"$0" "$kdir" product >/dev/null || exit 1
	fi
	extra=(KBUILD_EXTRA_SYMBOLS="$symvers")
fi

# W=1: the kernel's extra warnings too (they fail the build, as all do here).
check=(W=1)
command -v sparse >/dev/null && check+=(C=2 CHECK=sparse)

log=$stage/build.log
status=0
make -C "$kdir" M="$stage" VFMIG_KMOD="$kind" VFMIG_CANARY="$canary_obj" \
	"${check[@]}" "${extra[@]}" modules >"$log" 2>&1 || status=$?

if [ $status -ne 0 ]; then
	grep -E 'error|ERROR|undefined|warning' "$log" | head -20 >&2 || true
	echo "kbuild: $name against $kver FAILED (log: ${log#"$top"/})" >&2
	exit 1
fi
if grep -qiE 'warning' "$log"; then
	grep -iE 'warning' "$log" | head -20 >&2
	echo "kbuild: $name against $kver built with warnings (log: ${log#"$top"/})" >&2
	exit 1
fi
ko=$(ls "$stage"/*.ko)
echo "kbuild: $kver: ${ko#"$top"/}"
