#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Lab bench (issue 4 section 4): live-migrate a VM with a VF carrying
# bidirectional traffic in the in-process lab and print, per configuration,
# the downtime, the VF's share of it (device_downtime_ms), the phases, and
# the dirty tracker's over-report ratio (pages it reported / pages the device
# really wrote, both counted once, from log start to the stop), plus what
# tracking guest CPU writes with mprotect cost.
#
#   bench/lab-downtime.sh [SEEDS]      (default 5 seeds per configuration)
#
# Times are "lab time": host CPU time of the device work measured on this
# machine plus the virtual time the model's hardware and the 10 Gbit/s link
# took (docs/lab.md). Numbers are medians over the seeds (min..max).
set -eu
cd "$(dirname "$0")/.."
make -s build/vfmig-lab >/dev/null
lab=build/vfmig-lab
seeds=${1:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

configs=(
	"4x512|--queues 4 --ring 512"
	"16x4096|--queues 16 --ring 4096"
	"4x512 1G/30ms|--queues 4 --ring 512 --bandwidth 1G --downtime-limit 30"
	"16x512 no-dev-precopy|--queues 16 --ring 512 --no-device-precopy"
)
for c in "${configs[@]}"; do
	name=${c%%|*} args=${c#*|}
	for s in $(seq 1 "$seeds"); do
		f=$tmp/$(echo "$name" | tr ' /' '__')-$s
		[ "$s" = 1 ] && echo "$lab migrate $args --traffic bidir --rate 20000 --seconds 0.5 --seed N --json F --stats F" >>$tmp/commands
		# shellcheck disable=SC2086
		$lab migrate $args --traffic bidir --rate 20000 --seconds 0.5 --seed "$s" --quiet \
			--json "$f.json" --stats "$f.stats" || { echo "run failed: $name seed $s"; exit 1; }
	done
done

python3 - "$tmp" "${configs[@]}" <<'PY'
import glob, json, os, statistics, sys
tmp, configs = sys.argv[1], sys.argv[2:]
def med(xs):
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}..{max(xs):.3f})"
for c in configs:
    name = c.split('|')[0]
    base = name.replace(' ', '_').replace('/', '_')
    runs = []
    for jf in sorted(glob.glob(os.path.join(tmp, base + '-*.json'))):
        j = json.load(open(jf)); s = json.load(open(jf[:-5] + '.stats'))
        runs.append((j, s))
    J = [r[0] for r in runs]; S = [r[1] for r in runs]
    print(f"== {name}: {len(runs)} seeds, bidir 20000 pps each way, "
          f"{S[0]['ram_bytes'] >> 20} MiB guest RAM")
    print(f"  downtime_ms          {med([j['downtime_ms'] for j in J])}")
    print(f"  device_downtime_ms   {med([j['device_downtime_ms'] for j in J])}")
    for p in ("quiesce_us", "snapshot_us", "transfer_us", "restore_us", "resume_us"):
        print(f"  {p:<20} {med([j['phases'][p] for j in J])}")
    print(f"  precopy_rounds       {med([j['precopy_rounds'] for j in J])}")
    print(f"  RAM sent MiB         {med([j['ram_bytes_sent'] / 2**20 for j in J])}")
    print(f"  device bytes         pre-copy {J[0]['device_bytes_precopy']}, stop-copy {J[0]['device_bytes_stopcopy']}")
    ratio = [j['dirty_pages_reported_device'] / max(1, j['dirty_pages_true_device']) for j in J]
    print(f"  tracker pages        reported {med([j['dirty_pages_reported_device'] for j in J])}, "
          f"true {med([j['dirty_pages_true_device'] for j in J])}")
    print(f"  over-report ratio    {med(ratio)}  (reported / true device pages)")
    per = [s['device_pages_reported_sum'] / max(1, s['device_reports']) for s in S]
    print(f"  pages per report     {med(per)} in {med([s['device_reports'] for s in S])} reports")
    print(f"  missed / mismatch    {sum(j['missed_device_pages'] for j in J)} / "
          f"{sum(j['ram_mismatch_pages'] for j in J)} (all seeds)")
    print(f"  blackout drops       {med([j['packets_dropped_blackout'] for j in J])} frames")
    faults = [s['cpu_write_faults'] for s in S]
    syncus = [s['cpu_sync_wall_ns'] / 1000 / max(1, s['cpu_syncs']) for s in S]
    print(f"  CPU tracking         {med(faults)} write faults, {med(syncus)} us per sync (mprotect)")
print()
print("commands:")
PY
sed 's/^/  /' $tmp/commands
echo "  (N = 1..$seeds)"
echo
echo "guest CPU write tracking (mprotect, what the lab does, vs userfaultfd WP_ASYNC):"
make -s build/bench/bench_lab_wp >/dev/null && build/bench/bench_lab_wp | tail -n +2
