#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo (issue 6): live-migrate a VM with an X710 VF between two hosts
# while iperf3 runs through it. See docs/lab.md, section 7.
#
#   namespace   what lives there
#   TAG-vm      the guest's network stack: TAP "eth0" (multi-queue; each host
#               serves it from its own queue), 198.18.0.2/24, iperf3 -c
#   TAG-fabric  bridge br0 198.18.0.1/24 with the hosts' port TAPs portA and
#               portB; iperf3 -s; the capture (vfmig-lab capture)
#   TAG-hostA   source host process (vfmig-lab host --role src): the VM runs
#               here first; migA 198.18.1.1/30
#   TAG-hostB   destination host process; migB 198.18.1.2/30
#   migA-migB   the migration link: a veth shaped with tc tbf on both ends
#
# Everything is created here and removed on exit, on failure and on Ctrl-C.
# Writes OUT/report.json (scripts/demo.sh --help lists the keys' source) and
# OUT/throughput.png, prints a short human report.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lab=${VFMIG_LAB:-$top/build/vfmig-lab}	# VFMIG_LAB: another build (ASAN)

usage() {
	cat <<'EOF'
usage: scripts/demo.sh [options]        (root; `make demo` runs it)

Live-migrate a VM whose network interface is an X710 VF (the model) from
host A to host B while iperf3 runs through it; report and plot.

  --seconds N          iperf3 duration (default 20)
  --migrate-at S       start the migration S seconds into iperf3 (default 5)
  --reverse            traffic peer -> guest (iperf3 -R); default guest -> peer
  --bidir              both directions at once (iperf3 --bidir)
  --parallel N         iperf3 streams (default 1)
  --queues N           VF queue pairs (default 4)
  --ring N             descriptors per ring (default 512)
  --ram-mib N          guest RAM (default 64)
  --mtu N              the guest's and the fabric's MTU (default 1500)
  --bandwidth B        migration link (tc) and QEMU's max-bandwidth (default 10G)
  --downtime-limit MS  QEMU's downtime-limit (default 300)
  --max-rounds N       pre-copy rounds before switching over anyway (default 30)
  --no-device-precopy  device state in stop-copy only
  --cpu-tracking T     guest CPU write tracking: auto (default: uffd when the
                       kernel has it, Linux 6.7+, else mprotect), uffd, mprotect
  --no-vf              the same VM without a VF (bench): no NIC, no traffic, no
                       iperf3; migrate at --migrate-at, print the downtime
  --out DIR            results (default build/demo)
  --tag NAME           namespace prefix (default vfmig-PID)
  --no-plot            skip the PNG
  --probe dpdk         also run the DPDK continuity probe (build/vfmig-probe,
                       dpdk-test/README.md) through the VF: reflector on the
                       guest's TAP, generator+checker on br0; report.json gains
                       probe_* keys (out: probe.json, probe-reflect.json)
  --quiet              only the final summary line
  --debug-skip-final-pages | --debug-drop-device-report | --debug-drop-cpu-dirty
  | --debug-no-announce
                       negative controls: the run must then fail a check

exit: 0 migrated, iperf3 survived, every check passed; 1 not migrated (the VM
kept running on the source); 2 usage or setup error; 3 a check failed.
EOF
}

seconds=20 migrate_at=5 dir=fwd parallel=1 queues=4 ring=512 ram_mib=64 mtu=1500
bandwidth=10G downtime=300 rounds=30 out=$top/build/demo tag=vfmig-$$ plot=1 quiet=0 probe=
hostargs=() debug=() novf=0
die() { echo "demo: $*" >&2; exit 2; }
num() { [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$1 needs a number, not '$2'"; }
while [ $# -gt 0 ]; do
	a=$1; v=${2:-}
	case $a in
	-h|--help) usage; exit 0 ;;
	--seconds) [[ $v =~ ^[0-9]+$ ]] || die "--seconds needs a whole number, not '$v'"; seconds=$v; shift ;;
	--migrate-at) num "$a" "$v"; migrate_at=$v; shift ;;
	--reverse) dir=rev ;;
	--bidir) dir=bidir ;;
	--parallel) num "$a" "$v"; parallel=$v; shift ;;
	--queues) num "$a" "$v"; queues=$v; shift ;;
	--ring) num "$a" "$v"; ring=$v; shift ;;
	--ram-mib) num "$a" "$v"; ram_mib=$v; shift ;;
	--mtu) num "$a" "$v"; mtu=$v; shift ;;
	--bandwidth) [[ $v =~ ^[0-9]+([.][0-9]+)?[KkMmGg]?$ ]] || die "--bandwidth: '$v' is not a rate (10G, 2.5G, 800M)"; bandwidth=$v; shift ;;
	--downtime-limit) num "$a" "$v"; downtime=$v; shift ;;
	--max-rounds) num "$a" "$v"; rounds=$v; shift ;;
	--no-device-precopy) hostargs+=(--no-device-precopy) ;;
	--cpu-tracking) [[ $v =~ ^(auto|uffd|mprotect)$ ]] || die "--cpu-tracking: auto, uffd or mprotect"; hostargs+=(--cpu-tracking "$v"); shift ;;
	--no-vf) novf=1 ;;
	--out) [ -n "$v" ] || die "--out needs a directory"; out=$v; shift ;;
	--tag) [[ $v =~ ^[a-zA-Z0-9-]{1,20}$ ]] || die "--tag: letters, digits and '-', at most 20"; tag=$v; shift ;;
	--no-plot) plot=0 ;;
	--probe) [ "$v" = dpdk ] || die "--probe: only 'dpdk'"; probe=$v; shift ;;
	--quiet) quiet=1 ;;
	--debug-skip-final-pages|--debug-drop-device-report|--debug-drop-cpu-dirty|--debug-no-announce) debug+=("$a") ;;
	*) die "unknown option '$a' (see scripts/demo.sh --help)" ;;
	esac
	shift
done
awk -v s="$seconds" -v m="$migrate_at" 'BEGIN { exit !(s >= 2 && s <= 3600 && m > 0 && m < s) }' ||
	die "--migrate-at must fall inside --seconds (2..3600)"
[ "$mtu" -ge 576 ] && [ "$mtu" -le 9000 ] || die "--mtu $mtu: 576..9000"
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, TAP devices, tc)"
[ -x "$lab" ] || die "$lab is not built (make build/vfmig-lab)"
for c in ip tc iperf3; do
	command -v $c >/dev/null || die "'$c' is missing (scripts/demo-deps.sh installs it)"
done
probe_bin=$top/build/vfmig-probe
[ -z "$probe" ] || { [ -x "$probe_bin" ] && command -v python3 >/dev/null; } ||
	die "--probe dpdk needs $probe_bin (libdpdk-dev; make) and python3"
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.json "$out"/*.log "$out"/*.ready "$out"/throughput.* "$out"/report.txt "$out"/probe.txt
rm -rf /var/run/dpdk/"$tag"-probe-*

say() { [ $quiet = 1 ] || echo "demo: $*"; }
NS_VM=$tag-vm NS_FAB=$tag-fabric NS_A=$tag-hostA NS_B=$tag-hostB
pids=()
cleaned=0
sleeper=
# bash runs a trap only once the foreground command ends: sleep in the
# background and wait for it, so Ctrl-C acts at once
isleep() { sleep "$1" & sleeper=$!; wait $sleeper; sleeper=; }
cleanup() {
	[ $cleaned = 1 ] && return
	cleaned=1
	local p
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# deleting a namespace removes its interfaces (veth, TAPs, bridge) and qdiscs
	for n in "$NS_VM" "$NS_FAB" "$NS_A" "$NS_B"; do
		ip netns del "$n" 2>/dev/null
	done
	[ -z "$probe" ] || rm -rf /var/run/dpdk/"$tag"-probe-*
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; cleanup; exit 130' INT TERM HUP

fail_setup() {
	echo "demo: setup failed: $*" >&2
	exit 2
}

# ---- the network --------------------------------------------------------------
for n in "$NS_VM" "$NS_FAB" "$NS_A" "$NS_B"; do
	ip netns add "$n" || fail_setup "ip netns add $n (does $n exist already? --tag)"
	ip -n "$n" link set lo up
	# nothing but the test's own IPv4 traffic
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
{
	ip -n "$NS_FAB" link add br0 type bridge &&
	ip -n "$NS_FAB" link set br0 mtu "$mtu" &&
	ip -n "$NS_FAB" addr add 198.18.0.1/24 dev br0 &&
	ip -n "$NS_FAB" link set br0 up &&
	for p in portA portB; do
		ip -n "$NS_FAB" tuntap add dev $p mode tap &&
		ip -n "$NS_FAB" link set $p mtu "$mtu" txqueuelen 5000 master br0 up || exit 1
	done &&
	ip -n "$NS_VM" tuntap add dev eth0 mode tap multi_queue &&
	ip -n "$NS_VM" link set eth0 mtu "$mtu" txqueuelen 5000 &&
	ip -n "$NS_VM" addr add 198.18.0.2/24 dev eth0 &&
	ip link add migA netns "$NS_A" type veth peer name migB netns "$NS_B" &&
	ip -n "$NS_A" addr add 198.18.1.1/30 dev migA &&
	ip -n "$NS_B" addr add 198.18.1.2/30 dev migB &&
	ip -n "$NS_A" link set migA up &&
	ip -n "$NS_B" link set migB up
} || fail_setup "creating the interfaces"
# the migration link: shaped to --bandwidth both ways, a 1 ms bucket
bps=$(awk -v b="$bandwidth" 'BEGIN { m = 1; u = substr(b, length(b));
	if (u ~ /[Gg]/) m = 1e9; else if (u ~ /[Mm]/) m = 1e6; else if (u ~ /[Kk]/) m = 1e3;
	if (m > 1) b = substr(b, 1, length(b) - 1); printf "%.0f", b * m }')
burst=$(( bps / 8 / 1000 )); [ $burst -ge 65536 ] || burst=65536
for e in "$NS_A migA" "$NS_B migB"; do
	set -- $e
	tc -n "$1" qdisc add dev "$2" root tbf rate "${bps}bit" burst "$burst" latency 50ms ||
		fail_setup "tc on $2"
done

# ---- the processes ---------------------------------------------------------------
wait_ready() {	# file pid what
	local i
	for i in $(seq 1 200); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || { echo "demo: $3 exited during setup:" >&2; tail -5 "$out/$4" >&2; exit 2; }
		sleep 0.05
	done
	echo "demo: $3 not ready after 10 s" >&2
	exit 2
}
host_common=(--fabric-netns "$NS_FAB" --vm-netns "$NS_VM" --vm-tap eth0
	--queues "$queues" --ring "$ring" --ram-mib "$ram_mib"
	--bandwidth "$bandwidth" --downtime-limit "$downtime" --max-rounds "$rounds"
	"${hostargs[@]}" "${debug[@]}")
progress=line; [ -t 1 ] && progress=auto; [ $quiet = 1 ] && progress=off

if [ $novf = 1 ]; then
	# a VM without a VF: no NIC, so no traffic; just the migration
	for r in dst src; do
		if [ $r = dst ]; then
			a=(--role dst --name hostB --listen 198.18.1.2:4444 --json "$out/dst.json")
		else
			a=(--role src --name hostA --connect 198.18.1.2:4444 --json "$out/src.json" --progress off)
		fi
		ip netns exec "$([ $r = dst ] && echo "$NS_B" || echo "$NS_A")" "$lab" host "${a[@]}" --no-vf \
			--ram-mib "$ram_mib" --bandwidth "$bandwidth" --downtime-limit "$downtime" \
			--max-rounds "$rounds" --ready "$out/$r.ready" >"$out/$r.log" 2>&1 &
		pids+=($!); eval ${r}_pid=$!
		wait_ready "$out/$r.ready" $! "host $r" $r.log
	done
	isleep "$migrate_at"
	kill -USR1 $src_pid
	for _ in $(seq 1 300); do [ -s "$out/src.json" ] && break; sleep 0.1; done
	kill -TERM $src_pid $dst_pid; wait $src_pid; src_rc=$?; wait $dst_pid; dst_rc=$?
	s=$("$lab" json "$out/src.json" t_vcpu_stop_ns precopy_rounds outcome 2>/dev/null | tr '\n' ' ')
	d=$("$lab" json "$out/dst.json" t_running_ns ram_mismatch_pages 2>/dev/null | tr '\n' ' ')
	set -- $s $d
	if [ $# -eq 5 ] && [ "$3" = migrated ] && [ $src_rc = 0 ] && [ $dst_rc = 0 ]; then
		awk -v a="$1" -v b="$4" -v r="$2" -v m="$5" 'BEGIN { printf "demo (no VF): migrated: downtime %.3f ms, %d rounds, RAM mismatch %s\n", (b - a) / 1e6, r, m }'
		exit 0
	fi
	echo "demo (no VF): not migrated (src exit $src_rc, dst exit $dst_rc): $(tail -2 "$out/src.log" "$out/dst.log" | tr '\n' ' ')" >&2
	exit 3
fi

ip netns exec "$NS_FAB" "$lab" capture --iface portA:in --iface portB:in --iface br0:out --guest-ip 198.18.0.2 --bin-ms 10 \
	--json "$out/capture.json" --ready "$out/capture.ready" >"$out/capture.log" 2>&1 &
pids+=($!); cap_pid=$!
wait_ready "$out/capture.ready" $cap_pid "the capture" capture.log
ip netns exec "$NS_B" "$lab" host --role dst --name hostB --port-tap portB \
	--listen 198.18.1.2:4444 "${host_common[@]}" --json "$out/dst.json" \
	--ready "$out/dst.ready" >"$out/dst.log" 2>&1 &
pids+=($!); dst_pid=$!
wait_ready "$out/dst.ready" $dst_pid "host B" dst.log
if [ $quiet = 1 ]; then
	ip netns exec "$NS_A" "$lab" host --role src --name hostA --port-tap portA \
		--connect 198.18.1.2:4444 "${host_common[@]}" --json "$out/src.json" \
		--ready "$out/src.ready" --progress off >"$out/src.log" 2>&1 &
else
	ip netns exec "$NS_A" "$lab" host --role src --name hostA --port-tap portA \
		--connect 198.18.1.2:4444 "${host_common[@]}" --json "$out/src.json" \
		--ready "$out/src.ready" --progress $progress 2>"$out/src.log" &
fi
pids+=($!); src_pid=$!
wait_ready "$out/src.ready" $src_pid "host A" src.log

ip netns exec "$NS_FAB" iperf3 -s -1 -J -i 0.1 -B 198.18.0.1 >"$out/iperf3-server.json" 2>"$out/iperf3-server.log" &
pids+=($!); srv_pid=$!
for _ in $(seq 1 100); do
	ip netns exec "$NS_FAB" ss -ltn 2>/dev/null | grep -q '198.18.0.1:5201' && break
	sleep 0.05
done
iperf_dir=(); [ $dir = rev ] && iperf_dir=(-R); [ $dir = bidir ] && iperf_dir=(--bidir)
if [ -n "$probe" ]; then
	# DPDK probe (issue 8): one polling lcore each, no hugepages, af_packet
	peal() { echo --no-huge --no-pci -m 256 --no-shconf --no-telemetry --log-level=warning \
		--file-prefix "$tag-probe-$1" -l "$2" --vdev "net_af_packet0,iface=$3,framecnt=4096"; }
	vm_mac=$(ip netns exec "$NS_VM" cat /sys/class/net/eth0/address)
	ip netns exec "$NS_VM" "$probe_bin" $(peal refl 0 eth0) -- reflect --seconds $((seconds + 60)) \
		--json "$out/probe-reflect.json" --quiet >"$out/probe-reflect.log" 2>&1 &
	pids+=($!); refl_pid=$!
	isleep 1.5	# EAL start-up
	ip netns exec "$NS_FAB" "$probe_bin" $(peal gen 1 br0) -- txrx --rate 5000 --seconds "$seconds" \
		--dst-mac "$vm_mac" --src-ip 198.18.0.1 --dst-ip 198.18.0.2 --linger-ms 500 \
		--json "$out/probe.json" --quiet >"$out/probe.log" 2>&1 &
	pids+=($!); gen_pid=$!
fi
say "iperf3 for ${seconds}s through the VF ($dir, MTU $mtu), migration at ${migrate_at}s over a ${bandwidth}bit/s link"
ip netns exec "$NS_VM" iperf3 -c 198.18.0.1 -t "$seconds" -i 0.1 -J -P "$parallel" "${iperf_dir[@]}" \
	>"$out/iperf3-client.json" 2>"$out/iperf3-client.log" &
pids+=($!); cli_pid=$!
isleep "$migrate_at"
kill -USR1 $src_pid 2>/dev/null || { echo "demo: host A is gone:" >&2; tail -5 "$out/src.log" >&2; exit 3; }
# iperf3 runs to its end (and a little longer when the connection stalls)
deadline=$(( $(date +%s) + ${seconds%.*} + 30 ))
while kill -0 $cli_pid 2>/dev/null && [ "$(date +%s)" -lt $deadline ]; do sleep 0.2; done
kill -0 $cli_pid 2>/dev/null && { echo "demo: iperf3 did not finish; stopping it" >&2; kill -TERM $cli_pid; }
wait $cli_pid 2>/dev/null; cli_rc=$?
if [ -n "$probe" ]; then
	for _ in $(seq 1 100); do kill -0 $gen_pid 2>/dev/null || break; sleep 0.1; done
	kill -TERM $gen_pid $refl_pid 2>/dev/null; wait $gen_pid $refl_pid 2>/dev/null
fi
for _ in $(seq 1 50); do kill -0 $srv_pid 2>/dev/null || break; sleep 0.1; done
kill -TERM $srv_pid 2>/dev/null; wait $srv_pid 2>/dev/null
# a migration still running (a big guest, a slow link) gets 60 s more to end:
# the source writes its figures when its half is over
for i in $(seq 1 600); do
	{ [ -s "$out/src.json" ] || ! kill -0 $src_pid 2>/dev/null; } && break
	[ "$i" = 1 ] && say "iperf3 is done; waiting for the migration to end"
	isleep 0.1
done
# the hosts and the capture write their figures on SIGTERM
for p in $src_pid $dst_pid $cap_pid; do kill -TERM $p 2>/dev/null; done
wait $src_pid 2>/dev/null; src_rc=$?
wait $dst_pid 2>/dev/null; dst_rc=$?
wait $cap_pid 2>/dev/null
# the kernel's own counters of every interface, before the namespaces go
ip -n "$NS_FAB" -s -j link show >"$out/fabric-links.json" 2>/dev/null
ip -n "$NS_VM" -s -j link show >"$out/vm-links.json" 2>/dev/null
[ -s "$out/src.log" ] && [ $quiet = 0 ] && grep -v '^$' "$out/src.log" | sed 's/^/demo: /' >&2

# ---- report ----------------------------------------------------------------------
report_args=(--src "$out/src.json" --dst "$out/dst.json" --capture "$out/capture.json"
	--client "$out/iperf3-client.json" --server "$out/iperf3-server.json"
	--client-exit "$cli_rc" --direction "$dir" --out "$out/report.json"
	--plot-data "$out/throughput.dat" --gnuplot "$out/throughput.gp" --png "$out/throughput.png")
[ $quiet = 1 ] && report_args+=(--quiet)
[ -n "$probe" ] && [ -s "$out/probe.json" ] && report_args+=(--probe "$out/probe.json")
"$lab" report "${report_args[@]}" | tee "$out/report.txt"
rc=${PIPESTATUS[0]}
if [ -n "$probe" ]; then
	# the probe's figures into report.json (dpdk-test/README.md: counting rules)
	python3 - "$out/report.json" "$out/probe.json" "$out/capture.json" >"$out/probe.txt" <<'PY' || { echo "demo: no probe figures (see $out/probe.log)" >&2; [ $rc = 0 ] && rc=3; }
import json, sys
rp, pp, cp = sys.argv[1:4]
r = json.load(open(rp)); p = json.load(open(pp))
# cross-check (both CLOCK_REALTIME) against the capture's switchover (last
# guest frame on portA -> first on portB), differences reported, never hidden:
# - the probe's arrival gap that spans the switchover (its edges are frames
#   the guest reflected, so both edges are the guest's, as the capture's are);
# - its longest loss run, by the send schedule of the lost frames (starts a
#   round trip early: frames on their way to a guest that stopped are lost).
rate, run = p["rate_pps"], p["longest_loss_run"]
ls = p["start_ns"] + p["longest_loss_run_first_seq"] * 10**9 // rate
le = ls + run * 10**9 // rate
xc = dict(probe_xcheck_start_ms=None, probe_xcheck_end_ms=None, probe_switchover_gap_ms=None,
          probe_xcheck_gap_start_ms=None, probe_xcheck_gap_end_ms=None)
try:
    ifs = {i["name"]: i for i in json.load(open(cp))["ifaces"]}
    a_last, b_first = ifs["portA:in"]["last_from_guest_ns"], ifs["portB:in"]["first_from_guest_ns"]
    xc.update(probe_xcheck_start_ms=round((ls - a_last) / 1e6, 3), probe_xcheck_end_ms=round((le - b_first) / 1e6, 3))
    ov = lambda g: min(g["to_ns"], b_first) - max(g["from_ns"], a_last)
    def spanning(j, key):
        g = max((g for g in j.get("gaps", []) if ov(g) >= 0), key=ov, default=None)
        if g:
            xc.update({f"probe_{key}switchover_gap_ms": round(g["ms"], 3),
                       f"probe_xcheck_{key}gap_start_ms": round((g["from_ns"] - a_last) / 1e6, 3),
                       f"probe_xcheck_{key}gap_end_ms": round((g["to_ns"] - b_first) / 1e6, 3)})
    spanning(p, "")
    # the reflector's own arrivals (one way, toward the guest): tells whether
    # a late end edge is on the way in or on the way back out
    spanning(json.load(open(pp.replace("probe.json", "probe-reflect.json"))), "fwd_")
except Exception:
    pass
r.update(xc)
r.update(probe_blackout_ms=p["longest_gap_ms"], probe_lost=p["lost"], probe_reordered=p["reordered"],
         probe_duplicated=p["duplicated"], probe_sent=p["sent"], probe_received=p["received"],
         probe_foreign=p["foreign"], probe_rate_pps=p["rate_pps"],
         probe_gap_from_ns=p["gap_from_ns"], probe_gap_to_ns=p["gap_to_ns"],
         probe_loss_run_ms=p["longest_loss_run_ms"],
         probe_loss_histogram_100ms=p["loss_histogram"])
json.dump(r, open(rp, "w"), indent=2)
print(f"  probe       sent {p['sent']} at {p['rate_pps']} pps, lost {p['lost']}, reordered {p['reordered']}, "
      f"duplicated {p['duplicated']}, foreign {p['foreign']}; blackout {p['longest_gap_ms']:.3f} ms "
      f"(longest gap between arrivals), longest loss run {p['longest_loss_run_ms']:.1f} ms")
def xline(what, a, b):
    ok = abs(a) <= 2 and abs(b) <= 2
    print(f"  xcheck      {what} vs capture switchover: start {a:+.3f} ms, end {b:+.3f} ms "
          f"({'agree within 2 ms' if ok else 'DISAGREE by more than 2 ms'})")
if xc["probe_xcheck_gap_end_ms"] is not None:
    xline(f"probe arrival gap {xc['probe_switchover_gap_ms']:.3f} ms", xc["probe_xcheck_gap_start_ms"],
          xc["probe_xcheck_gap_end_ms"])
elif xc["probe_xcheck_end_ms"] is not None:
    print("  xcheck      no probe arrival gap spans the capture's switchover")
if xc.get("probe_xcheck_fwd_gap_end_ms") is not None:
    xline(f"reflector arrival gap {xc['probe_fwd_switchover_gap_ms']:.3f} ms", xc["probe_xcheck_fwd_gap_start_ms"],
          xc["probe_xcheck_fwd_gap_end_ms"])
if run and xc["probe_xcheck_end_ms"] is not None:
    xline("probe loss run", xc["probe_xcheck_start_ms"], xc["probe_xcheck_end_ms"])
PY
	[ -s "$out/probe.txt" ] && tee -a "$out/report.txt" <"$out/probe.txt"
fi
if [ $plot = 1 ]; then
	if command -v gnuplot >/dev/null; then
		gnuplot "$out/throughput.gp" 2>"$out/gnuplot.log" || echo "demo: gnuplot failed (see $out/gnuplot.log)" >&2
	else
		echo "demo: gnuplot is missing: no $out/throughput.png (scripts/demo-deps.sh installs it)" >&2
	fi
fi
say "src host exit $src_rc, dst host exit $dst_rc, iperf3 exit $cli_rc; results in ${out#"$top"/}/"
exit $rc
