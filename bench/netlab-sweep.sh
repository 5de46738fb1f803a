#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The netns lab's bench (issue 6): live migrations of a VM with a VF under
# iperf3 (scripts/demo.sh), swept one parameter at a time around a base point
# (64 MiB guest RAM, 4 queue pairs x 512, guest -> peer, downtime-limit 300 ms,
# 10 Gbit/s link): guest RAM size, queue count, traffic direction and
# downtime-limit. Each point also migrates the same VM with no VF attached
# (scripts/demo.sh --no-vf: same RAM, same engine and link, a device with no
# state, no NIC and so no traffic) and reports downtime(with VF) /
# downtime(without VF).
#
#   bench/netlab-sweep.sh [--repeat N] [--seconds S] [--quick]   (root)
#
# Numbers, never assertions. Each run's report.json is kept under
# build/bench/netlab/; one JSON line per run in build/bench/netlab/runs.jsonl.
set -u
cd "$(dirname "$0")/.." || exit 2
repeat=1 seconds=6 quick=0
while [ $# -gt 0 ]; do
	case $1 in
	--repeat) repeat=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--quick) quick=1 ;;
	-h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "netlab-sweep: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "netlab-sweep: needs root (network namespaces)" >&2; exit 2; }
make -s build/vfmig-lab >/dev/null || exit 2
lab=build/vfmig-lab
res=build/bench/netlab
mkdir -p $res
: >$res/runs.jsonl
mig_at=$(awk -v s="$seconds" 'BEGIN { printf "%.1f", s / 3 }')

points=(
	"base|"
	"ram 256 MiB|--ram-mib 256"
	"ram 1024 MiB|--ram-mib 1024 --seconds 16 --migrate-at 3"
	"1 queue|--queues 1"
	"16 queues|--queues 16 --ram-mib 128"
	"peer -> guest|--reverse"
	"both ways|--bidir"
	"downtime-limit 30|--downtime-limit 30"
	"downtime-limit 5|--downtime-limit 5"
)
[ $quick = 1 ] && points=("base|" "peer -> guest|--reverse" "downtime-limit 5|--downtime-limit 5")

printf '%-18s %9s %9s %7s %9s %9s %6s %8s %8s %8s %6s\n' point "dt VF" "dt noVF" ratio blackout "VF share" rounds "before" "min" "after" retx
printf '%-18s %9s %9s %7s %9s %9s %6s %8s %8s %8s %6s\n' "" ms ms "" ms ms "" Mbit/s Mbit/s Mbit/s ""
for p in "${points[@]}"; do
	name=${p%%|*} args=${p#*|}
	ram=64
	[[ $args =~ --ram-mib\ ([0-9]+) ]] && ram=${BASH_REMATCH[1]}
	dl=300
	[[ $args =~ --downtime-limit\ ([0-9]+) ]] && dl=${BASH_REMATCH[1]}
	for r in $(seq 1 "$repeat"); do
		tag=$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_')-$r
		out=$res/$tag
		# shellcheck disable=SC2086
		bash scripts/demo.sh --seconds "$seconds" --migrate-at "$mig_at" --quiet --no-plot \
			--out "$out" --tag vfb$$ $args >"$out.log" 2>&1
		rc=$?
		# without the VF: the median of 3 (each takes ~2 s)
		nv=$(for k in 1 2 3; do
			bash scripts/demo.sh --no-vf --seconds 3 --migrate-at 1 --ram-mib "$ram" \
				--downtime-limit "$dl" --out "$out-novf$k" --tag vfb$$ 2>&1 |
				sed -n 's/.*downtime \([0-9.]*\) ms.*/\1/p'
		done | sort -g | sed -n 2p)
		get() { "$lab" json "$out/report.json" "$@" 2>/dev/null; }
		read -r dt bo share rounds before minr after retx ok <<<"$(get downtime_ms blackout_ms \
			device_downtime_ms precopy_rounds throughput_before_mbps throughput_min_during_mbps \
			throughput_after_mbps retransmits ok | tr '\n' ' ')"
		ratio=$(awk -v a="$dt" -v b="$nv" 'BEGIN { if (b > 0 && a != "") printf "%.1f", a / b; else print "-" }')
		printf '%-18s %9s %9s %7s %9s %9s %6s %8s %8s %8s %6s%s\n' "$name" "${dt:--}" "${nv:--}" "$ratio" \
			"${bo:--}" "${share:--}" "${rounds:--}" "${before:--}" "${minr:--}" "${after:--}" "${retx:--}" \
			"$([ "$rc" = 0 ] && [ "$ok" = true ] || echo "  (run failed: exit $rc, see $out.log)")"
		echo "{\"point\": \"$name\", \"args\": \"$args\", \"exit\": $rc, \"downtime_ms\": ${dt:-null}, \"downtime_no_vf_ms\": ${nv:-null}, \"report\": \"$out/report.json\"}" >>$res/runs.jsonl
	done
done
echo
echo "dt: downtime (vCPU stop on A -> vCPU running on B); VF share: the VF's arcs + its stop-copy bytes"
echo "(device_downtime_ms); blackout: last frame of the VM on A's port -> first on B's (capture);"
echo "before/min/after: iperf3 receiver throughput (min: worst 100 ms interval during the migration)."
echo "noVF: the same RAM migrated without a VF (no NIC, no traffic). Runs: $res/runs.jsonl"
