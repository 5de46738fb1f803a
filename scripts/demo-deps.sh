#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packages `make demo` needs, and only those: a compiler, the
# kernel header tree the userspace build takes <linux/avf/virtchnl.h> from
# (the 6.1 tree scripts/install-deps.sh pins), iproute2 (namespaces, veth,
# TAP, bridge, tc), iperf3, libpcap-dev (the capture) and gnuplot-nox (the
# plot). Silent when everything is there. Installs what is missing when run
# as root; otherwise names it and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

kver=$(sed -n 's/^KVER_61=\${KVER_61:-\(.*\)}$/\1/p' scripts/install-deps.sh)
pkgs=(build-essential make iproute2 iperf3 libpcap-dev gnuplot-nox)
# any amd64 header tree with virtchnl.h will do (the Makefile takes the newest)
have_virtchnl=0
for d in /usr/src/linux-headers-*-amd64; do
	[ -d "$d" ] || continue
	if [ -e "$d/include/linux/avf/virtchnl.h" ] ||
	   ls /usr/src/linux-headers-*-common*/include/linux/avf/virtchnl.h >/dev/null 2>&1; then
		have_virtchnl=1
	fi
done
[ $have_virtchnl = 1 ] || pkgs+=("linux-headers-${kver:-amd64}")

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "demo-deps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "demo-deps: installing ${missing[*]}" >&2
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
