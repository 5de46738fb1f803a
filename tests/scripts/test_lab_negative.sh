#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lab's checks can fail, and its CLI behaves:
#  - negative controls: a migration that ignores the device tracker's report
#    must show device pages missed (and RAM differences) and exit 3; one that
#    ignores guest CPU writes, or skips the stop-copy RAM, must show RAM
#    differences and broken traffic and exit 3; frames corrupted on the wire
#    must be counted and fail the run;
#  - the same --seed gives the same run (every count equal);
#  - --help for every subcommand; usage errors exit 2 with one line.
set -u
cd "$(dirname "$0")/../.."
lab=build/vfmig-lab
[ -x $lab ] || { echo "FAIL lab_negative: $lab not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

neg() {	# name python-condition args...
	name=$1 cond=$2; shift 2
	$lab migrate --seconds 0.2 --quiet --json $tmp/n.json "$@" >/dev/null 2>$tmp/err
	rc=$?
	python3 - $tmp/n.json $rc "$name" "$cond" $tmp/err <<'PY'
import json, sys
path, rc, name, cond, errf = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
j = json.load(open(path))
err = open(errf).read().strip()
if rc == 3 and j["ok"] is False and j["error"] and eval(cond, {}, j) and "check failed" in err:
    print(f"ok {name}: exit 3: {j['error']}")
else:
    print(f"FAIL {name}: exit {rc}, ok={j['ok']}, missed={j['missed_device_pages']}, "
          f"mismatch={j['ram_mismatch_pages']}, lost={j['descriptors_lost']}, "
          f"dup={j['packets_duplicated']}, corrupt={j['packets_corrupted']}; want: {cond}")
PY
}

neg "lab_negative tracker report dropped (bidir 4x512)" \
	"missed_device_pages > 0 and ram_mismatch_pages > 0" --debug-drop-device-report
neg "lab_negative tracker report dropped (rx 16x64)" \
	"missed_device_pages > 0" --debug-drop-device-report --traffic rx --queues 16 --ring 64
neg "lab_negative tracker report dropped (tx 1x512)" \
	"missed_device_pages > 0" --debug-drop-device-report --traffic tx --queues 1
neg "lab_negative guest CPU writes ignored" \
	"ram_mismatch_pages > 0 and missed_device_pages == 0 and packets_duplicated > 0" --debug-drop-cpu-dirty
neg "lab_negative stop-copy RAM skipped" \
	"ram_mismatch_pages > 0 and descriptors_lost > 0" --debug-skip-final-pages
neg "lab_negative frames corrupted on the wire" \
	"packets_corrupted > 0 and ram_mismatch_pages == 0" --debug-corrupt-frames 300

# determinism: everything but the durations is a function of the seed
for i in 1 2; do
	$lab migrate --seconds 0.2 --queues 16 --ring 256 --seed 42 --quiet --json $tmp/d$i.json \
		--stats $tmp/s$i.json
done
python3 - $tmp/d1.json $tmp/d2.json $tmp/s1.json $tmp/s2.json <<'PY'
import json, sys
a, b, sa, sb = (json.load(open(p)) for p in sys.argv[1:5])
timing = {"downtime_ms", "device_downtime_ms", "total_ms", "phases"}
diff = [k for k in a if k not in timing and a[k] != b[k]]
diff += [k for k in ("rounds", "device_dma_writes", "rx_after", "steps", "cpu_write_faults")
         if sa[k] != sb[k]]
if diff:
    print(f"FAIL lab_determinism: seed 42 twice differs in {diff}")
else:
    print(f"ok lab_determinism: seed 42 twice: same counts ({a['packets_tx']} tx, "
          f"{a['packets_rx']} rx, {sa['steps']} steps)")
PY
$lab migrate --seconds 0.2 --queues 16 --ring 256 --seed 43 --quiet --json $tmp/d3.json
python3 - $tmp/d1.json $tmp/d3.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
same = all(a[k] == b[k] for k in ("packets_rx", "packets_dropped_blackout", "ram_bytes_sent"))
print(("FAIL" if same else "ok") + " lab_seed_matters: seeds 42 and 43 give different runs")
PY

# --help for every subcommand
for sub in migrate save load demo; do
	if $lab $sub --help >$tmp/h 2>&1 && grep -q "usage: vfmig-lab $sub" $tmp/h; then
		echo "ok lab_help $sub"
	else
		echo "FAIL lab_help $sub: $(head -2 $tmp/h)"
	fi
done
if $lab help | grep -q "commands:" && $lab --help | grep -q migrate; then echo "ok lab_help top"
else echo "FAIL lab_help top"; fi

usage() {	# name args...
	name=$1; shift
	$lab "$@" >$tmp/o 2>$tmp/e; rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <$tmp/e)" -eq 1 ] && [ ! -s $tmp/o ]; then
		echo "ok lab_usage $name: $(cat $tmp/e)"
	else
		echo "FAIL lab_usage $name: exit $rc, stderr: $(cat $tmp/e)"
	fi
}
usage "no command"
usage "unknown command" frobnicate
usage "unknown option" migrate --frob
usage "bad number" migrate --queues four
usage "too many queues" migrate --queues 17
usage "ring not a multiple of 32" migrate --ring 100
usage "bad traffic" migrate --traffic sideways
usage "cancel in RUNNING" migrate --cancel-at RUNNING
usage "missing value" migrate --seed
usage "RAM too small" migrate --queues 16 --ring 4096 --ram-mib 64
usage "save without --out" save
usage "load without --in" load
usage "bad bandwidth" migrate --bandwidth fast
usage "PRE_COPY cancel without pre-copy" migrate --cancel-at PRE_COPY --no-device-precopy
# the kernel lab (migrate --vfio): bad input is a usage error before any ioctl
usage "vfio bad address" migrate --vfio 00:01.0 --to 0000:00:00.0
usage "vfio no such device" migrate --vfio 0000:ff:1f.7 --to 0000:ff:1f.6
usage "--to without --vfio" migrate --to 0000:ff:1f.7
usage "multicast reflector" migrate --reflector 03:00:00:00:00:01
usage "bad cpu tracking" migrate --cpu-tracking soft-dirty
# shellcheck disable=SC2012 # PCI addresses have no odd characters
set -- $(ls /sys/bus/pci/devices 2>/dev/null | head -n 2)
if [ $# -eq 2 ]; then
	usage "vfio without --to" migrate --vfio "$1"
	usage "vfio same device" migrate --vfio "$1" --to "$1"
	usage "vfio with --cancel-at" migrate --vfio "$1" --to "$2" --cancel-at STOP
	usage "vfio with --traffic rx" migrate --vfio "$1" --to "$2" --traffic rx
fi
# a device that is not bound to a VFIO driver: one line, exit 3, no crash
if [ $# -eq 2 ] && [ ! -e "/sys/bus/pci/devices/$1/iommu_group" ]; then
	$lab migrate --vfio "$1" --to "$2" --quiet >$tmp/o 2>$tmp/e; rc=$?
	if [ $rc -eq 3 ] && [ "$(wc -l <$tmp/e)" -eq 1 ] && grep -q "no IOMMU group" $tmp/e; then
		echo "ok lab_vfio_not_vfio: $(cat $tmp/e)"
	else
		echo "FAIL lab_vfio_not_vfio: exit $rc, stderr: $(cat $tmp/e)"
	fi
fi
