#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms.conf works with the real dkms: the source tree scripts/dkms-tree.sh
# makes builds i40e_vfio_pci.ko for each installed Debian kernel (6.1 and
# 6.12), the module carries the vfio_pci: aliases libvirt matches on, and
# nothing test-only (model, guest driver, tests) is in the tree. Everything
# happens in temporary trees (--sourcetree/--dkmstree); like any dkms build
# it may create dkms's module signing key under /var/lib/dkms on first use.
set -u
cd "$(dirname "$0")/../.."
if ! command -v dkms >/dev/null; then
	echo "FAIL dkms: dkms is not installed (run scripts/install-deps.sh)"
	exit 1
fi
tmp=$(mktemp -d)
mkdir -p "$tmp/tree"
trap 'rm -rf "$tmp"' EXIT

src=$(scripts/dkms-tree.sh "$tmp/src") || { echo "FAIL dkms: dkms-tree.sh"; exit 1; }
pkg=$(basename "$src")
name=${pkg%-*} ver=${pkg##*-}
if find "$src" -path '*/model/*' -o -path '*/guest/*' -o -path '*/tests/*' | grep -q .; then
	echo "FAIL dkms: the dkms tree carries test-only sources"
else
	echo "ok dkms: the dkms tree holds only the product's sources"
fi

dkms add --sourcetree "$tmp/src" --dkmstree "$tmp/tree" -m "$name" -v "$ver" \
	>"$tmp/add.log" 2>&1 || { echo "FAIL dkms: dkms add"; sed 's/^/#   /' "$tmp/add.log"; exit 1; }
for kdir in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e -cloud- -e -rt-); do
	kver=${kdir#/usr/src/linux-headers-}
	[ -e "/lib/modules/$kver/build" ] || { echo "# info: dkms: no /lib/modules/$kver/build, skipped"; continue; }
	log=$tmp/build-$kver.log
	if ! dkms build --sourcetree "$tmp/src" --dkmstree "$tmp/tree" -m "$name" -v "$ver" \
		-k "$kver" >"$log" 2>&1; then
		echo "FAIL dkms $kver: dkms build"
		tail -5 "$log" | sed 's/^/#   /'
		continue
	fi
	ko=$(find "$tmp/tree/$name/$ver/$kver" -name 'i40e_vfio_pci.ko*' | head -1)
	if [ -z "$ko" ]; then
		echo "FAIL dkms $kver: no i40e_vfio_pci.ko in the dkms tree"
		continue
	fi
	vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	aliases=$(modinfo -F alias "$ko" | LC_ALL=C sort | tr '\n' ' ')
	want="vfio_pci:v00008086d0000154Csv*sd*bc*sc*i* vfio_pci:v00008086d00001889sv*sd*bc*sc*i* "
	if [ "$vm" = "$kver" ] && [ "$aliases" = "$want" ]; then
		echo "ok dkms $kver: built $(basename "$ko"), vermagic and vfio_pci aliases right"
	else
		echo "FAIL dkms $kver: vermagic '$vm', aliases '$aliases'"
	fi
done
