#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo, short (issue 6): scripts/demo.sh in network namespaces of its own
# (addresses in 198.18.0.0/15), a VM with a VF live-migrated from host A to
# host B while iperf3 runs through it for 6 s (migration at 2 s).
#
#   demo_run          exit 0 and the human summary says ok
#   demo_iperf3       iperf3's own output: no error, it ran its 6 s, and bytes
#                     kept arriving in its intervals after the switchover
#   demo_wire         the kernel's counters (ip -s link) of the bridge ports:
#                     host B's port carried the VM's frames (it carries none
#                     before the switchover), and the capture saw the VM's
#                     last frame on host A's port before its first on B's
#   demo_report       report.json: every key of the issue, with sane values;
#                     no device page missed, no RAM page different
#   demo_plot         throughput.png is a PNG
#   demo_clean        no namespace, TAP, bridge or process of the run is left
#   demo_ctrl_c       SIGINT in the middle: exit 130, nothing left behind
#   demo_negative     --debug-skip-final-pages (no stop-copy RAM): the run
#                     must fail its RAM check (exit 3, ram_mismatch_pages > 0)
#
# Needs root (namespaces, TAP devices, tc) and iperf3; without them it says
# so on an info line and reports nothing.
set -u
cd "$(dirname "$0")/../.." || exit 1
lab=build/vfmig-lab
if [ "$(id -u)" != 0 ]; then
	echo "# info: demo: not root, skipped (network namespaces need root)"
	exit 0
fi
for c in ip tc iperf3 python3; do
	command -v $c >/dev/null || { echo "FAIL demo: '$c' is missing (scripts/demo-deps.sh)"; exit 1; }
done
[ -x $lab ] || { echo "FAIL demo: $lab not built"; exit 1; }
tmp=$(mktemp -d)
tag=vfmt$$
cleanup() {
	local n
	for n in $(ip netns list 2>/dev/null | grep -o "^${tag}-[a-zA-Z0-9-]*"); do ip netns del "$n"; done
	rm -rf "$tmp"
}
trap cleanup EXIT

leftovers() {	# tag -> what is left, empty when clean
	local t=$1
	ip netns list 2>/dev/null | grep -o "^$t-[a-zA-Z0-9]*" | sed 's/^/namespace /'
	pgrep -af -- "$t-" | grep -v pgrep | sed 's/^/process /'
	ip -o link show 2>/dev/null | grep -E ' (migA|migB|portA|portB|br0)[@:]' | sed 's/^/root-namespace link /'
}

# ---- one short run ----------------------------------------------------------------
out=$tmp/run
start=$(date +%s)
bash scripts/demo.sh --seconds 6 --migrate-at 2 --out "$out" --tag $tag-r --no-plot >"$tmp/run.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^  result      ok' "$tmp/run.log"; then
	echo "ok demo_run: exit 0 in $(( $(date +%s) - start )) s: $(grep -E '^  downtime' "$tmp/run.log" | sed 's/^ *//')"
else
	echo "FAIL demo_run: exit $rc"
	sed 's/^/#   /' "$tmp/run.log" | tail -15
fi
# the plot separately, so a missing gnuplot is named
if command -v gnuplot >/dev/null && [ -s "$out/throughput.gp" ] &&
   gnuplot "$out/throughput.gp" 2>"$tmp/gp.log" && [ "$(head -c 8 "$out/throughput.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]; then
	echo "ok demo_plot: throughput.png is a PNG ($(stat -c %s "$out/throughput.png") bytes)"
else
	echo "FAIL demo_plot: no PNG from $out/throughput.gp"
	sed 's/^/#   /' "$tmp/gp.log" 2>/dev/null | tail -5
fi

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def load(n):
    try:
        return json.load(open(os.path.join(out, n)))
    except Exception as e:
        return e

# -- iperf3, from its own JSON
cli, srv = load("iperf3-client.json"), load("iperf3-server.json")
bad = []
if isinstance(cli, Exception) or isinstance(srv, Exception):
    bad.append(f"iperf3 output missing: {cli if isinstance(cli, Exception) else srv}")
else:
    if "error" in cli:
        bad.append(f"client error: {cli['error']}")
    secs = cli.get("end", {}).get("sum_sent", {}).get("seconds", 0)
    if secs < 5.7:
        bad.append(f"client ran {secs:.2f} s of 6")
    ivs = srv.get("intervals", [])
    rep = load("report.json")
    t_run = rep["details"]["timeline_s"]["vcpu_running_at_destination"] if isinstance(rep, dict) else 99
    after = sum(i["sum"]["bytes"] for i in ivs if i["sum"]["start"] >= t_run)
    if after < 10_000_000:
        bad.append(f"only {after} bytes arrived at the server after the switchover (t={t_run:.2f} s)")
print(("FAIL demo_iperf3: " + "; ".join(bad)) if bad else
      f"ok demo_iperf3: {secs:.1f} s, {after / 1e6:.0f} MB at the server after the switchover")

# -- the wire: kernel counters and the capture
bad = []
links = load("fabric-links.json")
cap = load("capture.json")
if isinstance(links, Exception):
    bad.append(f"no interface counters: {links}")
else:
    st = {l["ifname"]: l.get("stats64", {}) for l in links}
    # a TAP's RX is what its host wrote into the bridge
    a_rx, b_rx = st.get("portA", {}).get("rx", {}).get("packets", 0), st.get("portB", {}).get("rx", {}).get("packets", 0)
    if b_rx < 10000:
        bad.append(f"host B's port carried {b_rx} frames into the bridge")
    if a_rx < 10000:
        bad.append(f"host A's port carried {a_rx} frames into the bridge")
if isinstance(cap, Exception):
    bad.append(f"no capture: {cap}")
else:
    ifs = {i["name"].split(":")[0]: i for i in cap["ifaces"]}
    pa, pb = ifs.get("portA"), ifs.get("portB")
    if not pa or not pb or not pb["from_guest"] or not pa["last_from_guest_ns"] < pb["first_from_guest_ns"]:
        bad.append(f"capture: the VM's frames did not move from portA to portB: {pa} {pb}")
    drops = sum(i["pcap_dropped"] for i in cap["ifaces"])
print(("FAIL demo_wire: " + "; ".join(bad)) if bad else
      f"ok demo_wire: portA {a_rx} / portB {b_rx} frames in (kernel counters); capture: last VM frame on A, "
      f"{(pb['first_from_guest_ns'] - pa['last_from_guest_ns']) / 1e6:.2f} ms later the first on B, {pb['from_guest']} on B; {drops} capture drops")

# -- report.json
rep = load("report.json")
bad = []
keys = {"iperf3_connection_survived": bool, "blackout_ms": float, "downtime_ms": float,
        "device_downtime_ms": float, "total_ms": float, "precopy_rounds": int,
        "throughput_before_mbps": float, "throughput_min_during_mbps": float,
        "throughput_after_mbps": float, "retransmits": int, "missed_device_pages": int,
        "ram_mismatch_pages": int}
if isinstance(rep, Exception):
    bad.append(f"no report: {rep}")
else:
    for k, t in keys.items():
        v = rep.get(k, "absent")
        if t is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, t) or (t is int and isinstance(v, bool)):
            bad.append(f"{k}={v!r} is not {t.__name__}")
    if not bad:
        r = rep
        checks = [
            (r["iperf3_connection_survived"] is True, "connection did not survive"),
            (0 < r["downtime_ms"] < 1000, "downtime_ms outside (0, 1000)"),
            (0 < r["device_downtime_ms"] < r["downtime_ms"], "device_downtime_ms not in (0, downtime)"),
            (0 < r["blackout_ms"] < 2000, "blackout_ms outside (0, 2000)"),
            (r["total_ms"] >= r["downtime_ms"], "total_ms < downtime_ms"),
            (r["precopy_rounds"] >= 1, "no pre-copy round"),
            (r["throughput_before_mbps"] > 20, "throughput before <= 20 Mbit/s"),
            (r["throughput_after_mbps"] > 20, "throughput after <= 20 Mbit/s"),
            (0 <= r["throughput_min_during_mbps"] <= max(r["throughput_before_mbps"], r["throughput_after_mbps"]) * 2,
             "throughput_min_during_mbps not sane"),
            (r["retransmits"] >= 0, "negative retransmits"),
            (r["missed_device_pages"] == 0, "device pages missed"),
            (r["ram_mismatch_pages"] == 0, "RAM pages differ"),
            (r["ok"] is True and r["error"] is None, f"ok={r['ok']} error={r['error']}"),
        ]
        bad += [m + f" ({ {k: r[k] for k in keys} })" for ok, m in checks if not ok][:3]
print(("FAIL demo_report: " + "; ".join(bad)) if bad else
      "ok demo_report: " + ", ".join(f"{k}={rep[k]}" for k in keys))
PY

left=$(leftovers $tag-r)
if [ -z "$left" ]; then
	echo "ok demo_clean: no namespace, interface or process of the run left"
else
	echo "FAIL demo_clean: left behind: $(echo "$left" | tr '\n' ';')"
fi

# ---- Ctrl-C in the middle -------------------------------------------------------------
# a background job of a script ignores SIGINT unless job control is on
set -m
bash scripts/demo.sh --seconds 30 --migrate-at 20 --out "$tmp/int" --tag $tag-i --quiet --no-plot \
	>"$tmp/int.log" 2>&1 &
dpid=$!
set +m
for _ in $(seq 1 100); do
	[ -e "$tmp/int/src.ready" ] && break
	sleep 0.1
done
sleep 1
kill -INT $dpid
wait $dpid
rc=$?
sleep 0.2
left=$(leftovers $tag-i)
if [ $rc = 130 ] && [ -e "$tmp/int/src.ready" ] && [ -z "$left" ]; then
	echo "ok demo_ctrl_c: SIGINT during iperf3: exit 130, nothing left behind"
else
	echo "FAIL demo_ctrl_c: exit $rc (want 130), ready=$([ -e "$tmp/int/src.ready" ] && echo yes || echo no), left: $(echo "$left" | tr '\n' ';')"
	sed 's/^/#   /' "$tmp/int.log" | tail -5
fi

# ---- the check can fail -------------------------------------------------------------
bash scripts/demo.sh --seconds 3 --migrate-at 1 --out "$tmp/neg" --tag $tag-n --quiet --no-plot \
	--debug-skip-final-pages >"$tmp/neg.log" 2>&1
rc=$?
mm=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ram_mismatch_pages"])' "$tmp/neg/report.json" 2>/dev/null)
if [ $rc = 3 ] && [ -n "$mm" ] && [ "$mm" != None ] && [ "$mm" -gt 0 ] && [ -z "$(leftovers $tag-n)" ]; then
	echo "ok demo_negative: without the stop-copy RAM the run fails: exit 3, ram_mismatch_pages=$mm"
else
	echo "FAIL demo_negative: exit $rc (want 3), ram_mismatch_pages=$mm"
	sed 's/^/#   /' "$tmp/neg.log" | tail -5
fi
