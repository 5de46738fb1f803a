#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Rebuild only vfio.ko of Debian kernel KVER with iova_bitmap compiled in,
# from Debian's own linux-source package of the same version:
#
#   tests/kernel/build-vfio.sh KVER      prints the path of the new vfio.ko
#
# From 6.8 iova_bitmap (what a vfio_log_ops report fills) is built only with
# CONFIG_IOMMUFD_DRIVER, which Debian's 6.12 leaves off: its vfio.ko cannot
# report device dirty pages, and i40e_vfio_pci then offers no log_ops. This
# vfio.ko adds drivers/iommu/iommufd/iova_bitmap.c and exports it, so the
# full dirty-logging path can run in that kernel too. It must stay a
# drop-in: every symbol it exports that the stock vfio.ko exports has the
# same CRC (checked against the headers' Module.symvers), so the stock
# vfio_iommu_type1 and vfio-pci-core load against it.
#
# Objects follow drivers/vfio/Makefile and the kernel's .config. Output and
# cache: build/kernel-vfio/KVER/. Exit 1 with one line on any failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: build-vfio.sh KVER}
kdir=/usr/src/linux-headers-$kver
out=$top/build/kernel-vfio/$kver
die() { echo "build-vfio: $*" >&2; exit 1; }

[ -f "$kdir/Makefile" ] || die "no headers at $kdir (run scripts/install-deps.sh)"
v=${kver%%-*}
series=$(echo "$v" | cut -d. -f1-2)
tarball=/usr/src/linux-source-$series.tar.xz
[ -f "$tarball" ] || die "$tarball missing (install linux-source-$series; scripts/install-deps.sh does)"
want=$(dpkg-query -W -f='${Version}' "linux-headers-$kver" 2>/dev/null || true)
have=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || true)
[ -n "$want" ] && [ "$want" = "$have" ] ||
	die "linux-source-$series is '$have', the headers of $kver are '$want': they must match"

stamp="$want"
if [ -f "$out/vfio.ko" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$out/vfio.ko"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out/src"
tar -xJf "$tarball" -C "$out/src" --strip-components=1 --wildcards \
	"linux-source-$series/drivers/vfio/*.[ch]" \
	"linux-source-$series/drivers/vfio/Makefile" \
	"linux-source-$series/drivers/iommu/iommufd/iova_bitmap.c" ||
	die "cannot unpack vfio's sources from $tarball"

# vfio-y from drivers/vfio/Makefile for the kernel's own configuration.
objs="iova_bitmap.o"
while read -r sym obj; do
	if [ "$sym" = y ] || grep -qx "CONFIG_$sym=y" "$kdir/.config"; then
		objs="$objs $obj"
	fi
done < <(sed -n 's/^vfio-\$(CONFIG_\([A-Z0-9_]*\)) += \(.*\.o\)$/\1 \2/p; s/^vfio-y += \(.*\.o\)$/y \1/p' \
	"$out/src/drivers/vfio/Makefile")
kb=$out/kbuild
mkdir -p "$kb"
cp "$out"/src/drivers/vfio/*.[ch] "$out/src/drivers/iommu/iommufd/iova_bitmap.c" "$kb/"
cat >"$kb/Kbuild" <<EOF
obj-m += vfio.o
vfio-y := $objs
ccflags-y += -DCONFIG_IOMMUFD_DRIVER=1
EOF
make -C "$kdir" M="$kb" modules >"$out/build.log" 2>&1 ||
	die "vfio.ko does not build (see ${out#"$top"/}/build.log)"

# A drop-in: the same CRC for every symbol the stock vfio.ko exports.
bad=$(awk -v stock="$kdir/Module.symvers" '
	BEGIN { while ((getline l < stock) > 0) { split(l, f, "\t"); if (f[3] == "drivers/vfio/vfio") crc[f[2]] = f[1] } }
	{ if (($2 in crc) && crc[$2] != $1) print $2; seen[$2] = 1 }
	END { for (s in crc) if (!(s in seen)) print s " (missing)" }' "$kb/Module.symvers")
[ -z "$bad" ] || die "the rebuilt vfio.ko differs from the stock one in: $(echo "$bad" | tr '\n' ' ')"
grep -q "	iova_bitmap_set	" "$kb/Module.symvers" || die "the rebuilt vfio.ko does not export iova_bitmap_set"
cp "$kb/vfio.ko" "$out/vfio.ko"
echo "$stamp" >"$out/stamp"
echo "$out/vfio.ko"
