#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The negative control of issue 9's end-to-end proof of the software dirty
# tracker. l2_traffic (tests/qemu/scenarios.sh) passes when an L2 guest
# that received frames through its VF all through a real QEMU migration
# finds every frame intact on the destination. This runs the same L1 with
# vfmig_portable.ko drop_dirty=1 (tests/kbuild/fault_dirty.c), which
# empties every dirty report i40e_vfio_pci gives QEMU, and asserts, per
# kernel:
#  - the fault was in force: the driver reported 0 dirty bytes in
#    l2_traffic, where the real run reports megabytes;
#  - l2_traffic FAILs, for what a missed page does to the guest: frames
#    corrupt, duplicated or never back;
#  - every other check still passes: the L2s of the other scenarios never
#    start their VF, so nothing they need is in the dirty log, and the
#    fault takes away nothing but the log.
# Prints "# skip:" and exits 77 without qemu-system-x86_64.
cd "$(dirname "$0")/../.." || exit 1
out=$(tests/qemu/qemu-migrate.sh --fault drop-dirty "$@")
rc=$?
if [ $rc -eq 77 ] || [ $rc -eq 2 ]; then
	echo "$out"
	exit $rc
fi
echo "$out" | grep '^# info: qemu-migrate ' || true

kvers=$(echo "$out" | sed -n 's/^\(ok\|FAIL\) qemu-migrate \([^:]*\): .*/\2/p' | sort -u)
[ -n "$kvers" ] || { echo "FAIL dirty_control: qemu-migrate.sh reported no check (exit $rc)"; echo "$out" | tail -n 5 | sed 's/^/#   /'; exit 1; }
for k in $kvers; do
	name="dirty_control $k"
	json=build/test-logs/qemu-migrate-$k-fault-drop-dirty.json
	# this kernel's check lines, as "ok|FAIL CHECK" (KVER has a "+": no regex)
	mine=$(echo "$out" | awk -v p="qemu-migrate $k: " '
		index($0, "ok " p) == 1 || index($0, "FAIL " p) == 1 {
			print $1, substr($0, length($1) + 2 + length(p)) }')
	others=$(echo "$mine" | grep '^FAIL ' | grep -v '^FAIL l2_traffic: ')
	why=
	[ -z "$others" ] || why="$why; other checks failed too: $(echo "$others" | cut -d: -f1 | cut -c6- | paste -sd, -)"
	if ! echo "$mine" | grep -q '^FAIL l2_traffic: '; then
		why="$why; l2_traffic passed with every dirty report empty"
	fi
	facts=$(python3 - "$json" <<'PY'
import json, re, sys
try:
    s = json.load(open(sys.argv[1]))["scenarios"]["l2_traffic"]
except (OSError, ValueError, KeyError) as e:
    print(f"no l2_traffic record ({e})")
    sys.exit(0)
dirty = s["driver"].get("dbg_log_report_dirty_bytes")
reports = len(s["driver"].get("dbg_log_reports", []))
# the check's own reasons (scenarios.sh), those a missed page causes
seen = re.findall(r"(?:corrupt|dup)=[0-9]+|[0-9]+ frames lost(?: in a row)?|nothing came back on B",
                  s.get("detail") or "")
print(f"dirty={dirty} reports={reports} seen={', '.join(seen)}")
PY
)
	case $facts in
	"dirty=0 reports="*) ;;
	*) why="$why; the fault was not in force: $facts" ;;
	esac
	case $facts in
	*"reports=0 "*) why="$why; QEMU never asked for a dirty report" ;;
	esac
	case $facts in
	*seen=?*) ;;
	*) why="$why; l2_traffic did not fail for what a missed page does (frames corrupt, duplicated or lost): $facts" ;;
	esac
	if [ -z "$why" ]; then
		echo "ok $name: with every dirty report emptied (drop_dirty=1), l2_traffic fails for stale RX buffers on B (${facts##*seen=}; ${facts%% seen=*}) and every other check passes"
	else
		echo "FAIL $name: the dirty-log negative control: ${why#; }"
		echo "$mine" | grep '^FAIL ' | sed 's/^/#   /'
		echo "#   $facts"
	fi
done
