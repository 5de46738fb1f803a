#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Blackout as the DPDK probe sees it, against downtime-limit and queue count
# (issue 8): the netns demo (scripts/demo.sh --probe dpdk) once per point,
# 6 s of iperf3 with the migration at 2 s and the probe at 5000 frames/s
# each way through the migrating VF. Prints, per point, the engine's
# downtime, the capture's blackout on the wire, the probe's loss run (the
# longest run of lost sequence numbers, as time) and longest arrival gap,
# the frames it lost, and how far the loss run's edges lie from the
# capture's switchover edges (xcheck). Root; needs build/vfmig-probe.
#   sudo bench/probe-sweep.sh [--repeat N]
set -u
cd "$(dirname "$0")/.." || exit 2
repeat=1
while [ $# -gt 0 ]; do
	case $1 in
	--repeat) repeat=${2:?--repeat needs N}; shift ;;
	-h|--help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "probe-sweep: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "probe-sweep: needs root (network namespaces)" >&2; exit 2; }
make -s build/vfmig-lab >/dev/null || exit 2
[ -x build/vfmig-probe ] || { echo "probe-sweep: build/vfmig-probe missing (libdpdk-dev)" >&2; exit 2; }
res=build/bench/probe
mkdir -p $res
: >$res/runs.jsonl

points=(
	"limit 300, 4 queues|--downtime-limit 300 --queues 4"
	"limit 30, 4 queues|--downtime-limit 30 --queues 4"
	"limit 5, 4 queues|--downtime-limit 5 --queues 4"
	"limit 300, 1 queue|--downtime-limit 300 --queues 1"
	"limit 300, 16 queues|--downtime-limit 300 --queues 16 --ram-mib 128"
)
printf '%-22s %8s %9s %9s %9s %6s %13s\n' point downtime blackout "loss run" "max gap" lost "xcheck s/e"
printf '%-22s %8s %9s %9s %9s %6s %13s\n' "" ms ms ms ms "" ms
for p in "${points[@]}"; do
	name=${p%%|*} args=${p#*|}
	for ((i = 0; i < repeat; i++)); do
		out=$res/run
		rm -rf "$out"
		# shellcheck disable=SC2086
		if ! timeout 180 scripts/demo.sh --probe dpdk --seconds 6 --migrate-at 2 --no-plot \
			--quiet --out "$out" $args >"$res/last.log" 2>&1; then
			printf '%-22s failed (see %s)\n' "$name" "$res/last.log"
			continue
		fi
		python3 - "$out/report.json" "$name" "$res/runs.jsonl" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
name, runs = sys.argv[2], sys.argv[3]
with open(runs, "a") as f:
    f.write(json.dumps({"point": name, **j}) + "\n")
print(f"{name:22s} {j['downtime_ms']:8.2f} {j['blackout_ms']:9.2f} {j['probe_loss_run_ms']:9.1f} "
      f"{j['probe_blackout_ms']:9.1f} {j['probe_lost']:6d} {j['probe_xcheck_start_ms']:6.1f}/{j['probe_xcheck_end_ms']:.1f}")
PY
	done
done
echo "loss run: the longest run of lost sequence numbers, in time at the probe's rate; max gap: the"
echo "longest time between two arrivals; xcheck: loss-run start/end minus the capture's switchover edges"
echo "(last VM frame on A, first on B). Runs: $res/runs.jsonl"
