#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check-long`: 200 seeded live migrations in the in-process lab, each with
# a configuration drawn from its seed (queue pairs, ring size, traffic, rate,
# guest dirtying rate, link bandwidth, downtime limit), each required to end
# with exit 0, missed_device_pages = 0 and ram_mismatch_pages = 0 (and every
# other check of the lab). Not named test_*.sh, so `make check` (which runs
# tests/scripts/test_*.sh) stays short. LAB_SEEDS=N overrides the count.
set -u
cd "$(dirname "$0")/../.."
lab=build/vfmig-lab
[ -x $lab ] || { echo "FAIL lab_long: $lab not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=${LAB_SEEDS:-200}

one() {
	seed=$1
	qs=(1 2 4 8 16); rings=(64 128 256 512 1024 4096); ts=(idle rx tx bidir)
	bws=(10G 10G 2.5G 1G); dls=(300 300 100 30)
	q=${qs[$((seed % 5))]}
	r=${rings[$(((seed / 5) % 6))]}
	t=${ts[$(((seed / 3) % 4))]}
	bw=${bws[$(((seed / 7) % 4))]}
	dl=${dls[$(((seed / 11) % 4))]}
	rate=$((2000 + (seed * 7919) % 60000))
	dirty=$(((seed * 104729) % 20000))
	# keep big rings on fast links (a 265 MiB guest at 1G takes seconds per round)
	if [ $r -ge 1024 ] && [ $q -ge 8 ]; then bw=10G; fi
	args="--queues $q --ring $r --traffic $t --rate $rate --dirty-rate $dirty --bandwidth $bw --downtime-limit $dl"
	timeout 600 $lab migrate $args --seconds 0.2 --seed "$seed" --quiet \
		--json "$tmp/$seed.json" >/dev/null 2>"$tmp/$seed.err"
	rc=$?
	python3 - "$tmp/$seed.json" "$rc" "$seed" "$args" <<'PY'
import json, sys
path, rc, seed, args = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    j = json.load(open(path))
except Exception:
    print(f"FAIL lab_long seed {seed} ({args}): exit {rc}, no report"); sys.exit(0)
if rc == 0 and j["ok"] and j["missed_device_pages"] == 0 and j["ram_mismatch_pages"] == 0:
    print(f"ok lab_long seed {seed}: {args}: {j['precopy_rounds']} rounds, "
          f"downtime {j['downtime_ms']:.2f} ms, tracker {j['dirty_pages_reported_device']}/"
          f"{j['dirty_pages_true_device']} pages, missed 0, mismatch 0")
else:
    print(f"FAIL lab_long seed {seed} ({args}): exit {rc}, missed {j['missed_device_pages']}, "
          f"mismatch {j['ram_mismatch_pages']}: {j['error']}")
PY
}
export -f one
export lab tmp

seq 1 "$n" | xargs -P "$(nproc)" -I{} bash -c 'one {}' | tee "$tmp/log"
p=$(grep -c '^ok ' "$tmp/log"); f=$(grep -c '^FAIL ' "$tmp/log")
echo "lab_long: $p passed, $f failed"
[ "$f" -eq 0 ] && [ "$p" -eq "$n" ]
