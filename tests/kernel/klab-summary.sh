#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel lab's figures of the last boot test, one column per boot
# (make check-kernel-lab; docs/kernel-lab.md). Reads the guest's reports
# build/test-logs/kernel-KVER.results (and KVER-iova, the 6.12 boot with
# vfio.ko rebuilt with iova_bitmap) that boot-test.sh left.
#
#   tests/kernel/klab-summary.sh KVER...
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
logs=$top/build/test-logs
keys=(downtime_ms device_downtime_ms total_ms precopy_rounds device_bytes_precopy
	device_bytes_stopcopy dirty_pages_reported_device dirty_pages_true_device
	missed_device_pages ram_mismatch_pages packets_tx packets_rx
	packets_dropped_blackout phases)
files=()
names=()
for k in "$@"; do
	for tag in "$k" "$k-iova"; do
		[ -s "$logs/kernel-$tag.results" ] || continue
		files+=("$logs/kernel-$tag.results")
		names+=("$tag")
	done
done
if [ ${#files[@]} -eq 0 ]; then
	echo "# klab-summary: no boot test results under build/test-logs (run make check-kernel)"
	exit 0
fi
echo "# kernel lab (vfmig-lab migrate --vfio A --to B in the booted kernels):"
printf '#   %-28s' "figure"
for n in "${names[@]}"; do printf ' %-26s' "$n"; done
echo
for key in "${keys[@]}" tracking; do
	printf '#   %-28s' "$key"
	for f in "${files[@]}"; do
		if [ "$key" = tracking ]; then
			v=$(grep -a '^info klab .*device dirty tracking' "$f" | head -n 1 |
				sed 's/.*device dirty tracking \([^;]*\);.*/\1/' | cut -c1-26)
		else
			v=$(sed -n "s/^info klab_$key \(.*\)\r\{0,1\}$/\1/p" "$f" | head -n 1)
		fi
		printf ' %-26s' "${v:--}"
	done
	echo
done
