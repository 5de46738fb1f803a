#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian package vfmig needs. Idempotent, and silent when all of
# it is already present. Run as root on Debian 12 (bookworm).
#
# Kernel headers are pinned to exact versions so that the module is always
# built against the same trees on every machine: Debian 12's own 6.1 and the
# 6.12 kernel bookworm ships through its security suite. QEMU 10 (needed later
# for VFIO migration v2) only exists in bookworm-backports; that suite is
# enabled with the mirror URI the machine already uses for bookworm, so no
# host name is ever written here.
set -euo pipefail

KVER_61=${KVER_61:-6.1.0-56-amd64}
KVER_612=${KVER_612:-6.12.117+deb12-amd64}

PKGS=(
	build-essential make gcc clang libclang-rt-14-dev llvm rsync
	sparse linux-source-6.1
	# the 6.12 boot test's second run: vfio.ko rebuilt with iova_bitmap
	# (tests/kernel/build-vfio.sh checks the version equals the headers')
	linux-source-6.12
	"linux-headers-$KVER_61"
	"linux-headers-$KVER_612"
	# boot tests (tests/kernel): busybox initramfs, unpacking Debian kernels
	busybox-static cpio xz-utils zstd kmod
	# tests/qemu: the JSON summary, the monitor of a hung L1 (and the lab tests)
	python3
	# packaging: dkms builds the module for every installed kernel
	dkms
	# the demo (issue 6): namespaces, traffic, capture, plot
	iproute2 iperf3 tcpdump libpcap-dev gnuplot-nox
	# the DPDK probe (issue 8): DPDK 22.11, found with pkg-config
	libdpdk-dev pkg-config
)
# From bookworm-backports: QEMU 10 (VFIO migration v2; bookworm has 7.2).
BPO_PKGS=(qemu-system-x86)

log() { printf 'install-deps: %s\n' "$*" >&2; }

missing=()
missing_bpo=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

for p in "${BPO_PKGS[@]}"; do
	v=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$p" 2>/dev/null || true)
	case $v in
	"installed "*bpo12*) ;;
	*) missing_bpo+=("$p") ;;
	esac
done

backports_enabled() {
	grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

# The URI of the main bookworm suite, from deb822 or one-line sources.
bookworm_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk '
			/^[[:space:]]*$/ { if (uri && ok) { print uri; exit } uri=""; ok=0; next }
			/^URIs:/ { uri=$2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") ok=1 }
			END { if (uri && ok) print uri }' "$f"
	done
	awk '$1 == "deb" && $0 !~ /\[/ && $3 == "bookworm" { print $2 }
	     $1 == "deb" && $0 ~ /\[/ { for (i = 2; i <= NF; i++) if ($i ~ /\]$/) { if ($(i+2) == "bookworm") print $(i+1); break } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true
}

need_update=0
if ! backports_enabled; then
	uri=$(bookworm_uri | head -n 1)
	if [ -z "$uri" ]; then
		log "no bookworm entry in the apt sources; cannot derive a bookworm-backports URI"
		exit 1
	fi
	cat > /etc/apt/sources.list.d/vfmig-backports.sources <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	log "enabled bookworm-backports from the machine's bookworm mirror"
	need_update=1
fi

[ ${#missing[@]} -eq 0 ] && [ ${#missing_bpo[@]} -eq 0 ] && [ $need_update -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#missing_bpo[@]} -gt 0 ]; then
	log "installing from bookworm-backports: ${missing_bpo[*]}"
	apt-get install -y -qq --no-install-recommends -t bookworm-backports "${missing_bpo[@]}" >/dev/null
fi
