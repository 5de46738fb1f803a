#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Make the DKMS source tree of i40e_vfio_pci: exactly the files the product
# module builds from (see dkms.conf and Kbuild), nothing of the model, the
# guest driver or the tests.
#   scripts/dkms-tree.sh /usr/src        -> /usr/src/i40e-vfio-pci-VERSION
#   dkms install i40e-vfio-pci/VERSION
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: dkms-tree.sh DIR (e.g. /usr/src)}
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
out=$dest/$name-$ver
mkdir -p "$out"
(cd "$top" && cp -r --parents Kbuild dkms.conf include driver pf-agent "$out/")
echo "$out"
