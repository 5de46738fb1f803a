#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The netns lab's report (vfmig-lab report) and JSON reader (vfmig-lab json),
# without root: made-up host, capture and iperf3 files with known answers.
#
#   lab_report_math      downtime, the VF's share, blackout, throughput before /
#                        worst during / after, retransmits, every key present
#   lab_report_checks    a missed device page, a RAM mismatch, iperf3 cut short,
#                        nothing on host B's port: each fails the run (exit 3)
#                        with its reason; a refused migration is exit 1
#   lab_report_bad_input missing, truncated and ill-typed files: exit 3, a
#                        reason, and still a valid report.json (nulls)
#   lab_json_*           the reader: valid documents read back, malformed ones
#                        rejected with a byte offset, never a crash
set -u
cd "$(dirname "$0")/../.." || exit 1
lab=build/vfmig-lab
[ -x $lab ] || { echo "FAIL lab_report: $lab not built"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL lab_report: python3 missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$lab" "$tmp" <<'PY'
import json, os, subprocess, sys
lab, tmp = sys.argv[1], sys.argv[2]
OFF = 1_000_000_000_000_000_000      # realtime - monotonic
T0 = 1_700_000_000_000_000_000       # iperf3's first payload, realtime ns
def mono(t):                          # seconds since T0 -> host monotonic ns
    return int(T0 + t * 1e9) - OFF
def rt(t):
    return int(T0 + t * 1e9)

def files(d, **over):
    src = {"role": "src", "outcome": "migrated", "error": None, "clock_offset_ns": OFF,
           "ram_bytes": 64 << 20, "queues": 4, "ring": 512, "bandwidth_bps": 10**10,
           "downtime_limit_ms": 300, "cpu_tracking": "mprotect",
           "t_migration_start_ns": mono(5.0), "t_vcpu_stop_ns": mono(5.2),
           "t_send_start_ns": mono(5.2005), "t_end_ns": mono(5.2102),
           "precopy_rounds": 2, "ram_bytes_sent": 70 << 20, "device_bytes_precopy": 466,
           "device_bytes_stopcopy": 1000, "link_rate_Bps": 1_000_000_000,
           "quiesce_ns": 100_000, "snapshot_ns": 200_000, "cpu_sync_ns": 50_000,
           "missed_device_pages": 0, "dirty_pages_reported_device": 10,
           "dirty_pages_true_device": 5}
    dst = {"role": "dst", "outcome": "migrated", "clock_offset_ns": OFF,
           "t_complete_ns": mono(5.2095), "t_running_ns": mono(5.2100),
           "restore_ns": 300_000, "resume_ns": 400_000, "ram_mismatch_pages": 0,
           "guest_driver_running": True, "guest": {"announces": 5}}
    cap = {"main_flow": 0, "blackout_ns": 30_000_000, "flow_gap_ns": 40_000_000,
           "retransmits_guest_to_peer": 7, "retransmits_peer_to_guest": 0,
           "flows": [{"first_payload_ns": T0, "last_payload_ns": rt(20)}],
           "ifaces": [{"name": "portA:in", "from_guest": 1000, "from_guest_bytes": 10**6,
                       "last_from_guest_ns": rt(5.2000)},
                      {"name": "portB:in", "from_guest": 2000, "from_guest_bytes": 2 * 10**6,
                       "first_from_guest_ns": rt(5.2120)},
                      {"name": "br0:out", "from_guest": 0}],
           "bin_ns": 100_000_000, "bins_start_ns": T0,
           "bins_guest_to_peer": [12_500_000] * 200, "bins_peer_to_guest": [0] * 200}
    # receiver intervals: 1000 Mbit/s, except 5.1-5.3 at 200 and 100, 1200 after 5.3
    ivs = []
    for i in range(200):
        t = i / 10
        mbps = 1000 if t < 5.1 else 200 if t < 5.2 else 100 if t < 5.3 else 1200
        ivs.append({"sum": {"start": t, "end": t + 0.1, "bytes": mbps * 1e6 / 8 * 0.1}})
    srv = {"intervals": ivs, "end": {}}
    cli = {"start": {"test_start": {"duration": 20}},
           "intervals": ivs, "end": {"sum_sent": {"seconds": 20.0, "retransmits": 9}}}
    for k, v in over.items():
        obj, key = k.split("__")
        {"src": src, "dst": dst, "cap": cap, "cli": cli, "srv": srv}[obj][key] = v
    os.makedirs(d, exist_ok=True)
    for n, o in (("src", src), ("dst", dst), ("cap", cap), ("cli", cli), ("srv", srv)):
        json.dump(o, open(os.path.join(d, n + ".json"), "w"))

def report(d, client_exit=0):
    out = os.path.join(d, "report.json")
    p = subprocess.run([lab, "report", "--src", f"{d}/src.json", "--dst", f"{d}/dst.json",
                        "--capture", f"{d}/cap.json", "--client", f"{d}/cli.json",
                        "--server", f"{d}/srv.json", "--client-exit", str(client_exit),
                        "--out", out, "--plot-data", f"{d}/t.dat", "--gnuplot", f"{d}/t.gp",
                        "--png", f"{d}/t.png", "--quiet"], capture_output=True, text=True)
    try:
        r = json.load(open(out))
    except Exception as e:
        r = e
    return p.returncode, r, p.stdout + p.stderr

KEYS = ["iperf3_connection_survived", "blackout_ms", "downtime_ms", "device_downtime_ms",
        "total_ms", "precopy_rounds", "throughput_before_mbps", "throughput_min_during_mbps",
        "throughput_after_mbps", "retransmits", "missed_device_pages", "ram_mismatch_pages"]

# -- the numbers
d = os.path.join(tmp, "good"); files(d)
rc, r, txt = report(d)
want = {"iperf3_connection_survived": True, "downtime_ms": 10.0,
        "device_downtime_ms": (100 + 200 + 300 + 400) / 1000 + 1000 / 1e9 * 1e3,
        "blackout_ms": 12.0, "total_ms": 210.2, "precopy_rounds": 2,
        "throughput_before_mbps": 1000.0, "throughput_min_during_mbps": 100.0,
        "throughput_after_mbps": 1200.0, "retransmits": 7, "missed_device_pages": 0,
        "ram_mismatch_pages": 0}
bad = []
if rc != 0 or isinstance(r, Exception):
    bad.append(f"exit {rc}: {txt.strip()} {r if isinstance(r, Exception) else ''}")
else:
    for k in KEYS:
        if k not in r:
            bad.append(f"{k} missing")
        elif isinstance(want[k], bool) or isinstance(want[k], int):
            if r[k] != want[k]:
                bad.append(f"{k}={r[k]}, want {want[k]}")
        elif abs(r[k] - want[k]) > 0.01:
            bad.append(f"{k}={r[k]}, want {want[k]:.3f}")
    if r.get("ok") is not True:
        bad.append(f"ok={r.get('ok')}: {r.get('error')}")
    if not os.path.getsize(os.path.join(d, "t.dat")) or "pngcairo" not in open(os.path.join(d, "t.gp")).read():
        bad.append("no plot data or script")
print(("FAIL lab_report_math: " + "; ".join(bad)) if bad else
      "ok lab_report_math: downtime, VF share, blackout, throughput before/min/after, retransmits as computed by hand")

# -- each check can fail
cases = [
    ("missed device page", dict(src__missed_device_pages=3), 3, "never reported"),
    ("RAM mismatch", dict(dst__ram_mismatch_pages=2), 3, "differ between source and destination"),
    ("no RAM hashes", dict(dst__ram_mismatch_pages=None), 3, "no RAM hashes"),
    ("iperf3 cut short", dict(cli__end={"sum_sent": {"seconds": 12.0}}), 3, "did not survive"),
    ("iperf3 error", dict(cli__error="the server has terminated"), 3, "server has terminated"),
    ("nothing on B's port", dict(cap__ifaces=[{"name": "portA:in", "from_guest": 9, "last_from_guest_ns": rt(5.2)},
                                             {"name": "portB:in", "from_guest": 0}]), 3, "destination's port"),
    ("guest driver down", dict(dst__guest_driver_running=False), 3, "not RUNNING"),
    ("refused", dict(src__outcome="refused", dst__outcome="refused", src__error="MATCH: queues"), 1, "not migrated"),
]
for name, over, want_rc, want_msg in cases:
    d = os.path.join(tmp, name.replace(" ", "_").replace("'", "")); files(d, **over)
    rc, r, txt = report(d, 0)
    ok = rc == want_rc and isinstance(r, dict) and r.get("ok") is False and want_msg in (r.get("error") or "")
    print(f"ok lab_report_checks {name}: exit {rc}: {r['error'][:90]}" if ok else
          f"FAIL lab_report_checks {name}: exit {rc} (want {want_rc}), error {r.get('error') if isinstance(r, dict) else r!r}")
d = os.path.join(tmp, "exit"); files(d)
rc, r, txt = report(d, client_exit=1)
print("ok lab_report_checks iperf3 exit 1: exit 3" if rc == 3 and r["iperf3_connection_survived"] is False
      else f"FAIL lab_report_checks iperf3 exit 1: exit {rc}, survived {r.get('iperf3_connection_survived')}")

# -- bad input: a reason, exit 3, still a report
d = os.path.join(tmp, "bad"); files(d)
open(os.path.join(d, "src.json"), "w").write('{"outcome": "migrated", "t_vcpu_stop_ns": ')
open(os.path.join(d, "cap.json"), "w").write('[1, 2, 3]')
open(os.path.join(d, "srv.json"), "w").write('{"intervals": [{"sum": {"start": "x", "end": null}}, 7, "z"]}')
os.remove(os.path.join(d, "dst.json"))
rc, r, txt = report(d)
ok = rc == 3 and isinstance(r, dict) and all(k in r for k in KEYS) and r["ok"] is False \
     and "src.json: not JSON" in r["error"] and "No such file" in r["error"]
print(f"ok lab_report_bad_input: exit 3, a valid report with nulls: {r['error'][:100]}" if ok else
      f"FAIL lab_report_bad_input: exit {rc}, report {r if isinstance(r, Exception) else r.get('error')}")

# -- the JSON reader
def jq(text, *paths):
    f = os.path.join(tmp, "j.json")
    open(f, "wb").write(text if isinstance(text, bytes) else text.encode())
    p = subprocess.run([lab, "json", f, *paths], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr
rc, out, err = jq('{"a": [1, 2.5, {"b": "x\\u00e9\\ud83d\\ude00\\n"}], "c": -0.5e3, "d": true, "e": null, "f": {}}',
                  "a.2.b", "a.1", "c", "d", "e", "f", "a")
want = 'xé😀\n\n2.5\n-500\ntrue\nnull\n{}\n[1,2.5,{"b":"xé😀\\n"}]\n'
print("ok lab_json_read: values, escapes, surrogate pairs, paths into arrays" if rc == 0 and out == want
      else f"FAIL lab_json_read: exit {rc}, {out!r} (want {want!r}) {err}")
rc, out, err = jq('{"a": 1}', "b")
print("ok lab_json_missing_path: exit 3" if rc == 3 and "no b" in err else f"FAIL lab_json_missing_path: exit {rc} {err}")
bad_docs = ['', '{', '{"a":}', '[1,]', '{"a" 1}', '"\\u12"', '01', '-01', '1 2', '[' * 100 + ']' * 100,
            '{"a":"\x01"}', 'nul', '-', 'tru', '"\\ud800x"', '"\\q"', '{"a":1,}', '[1 2]', '"abc',
            b'\xff\xfe', '{"a": [' + '1,' * 10 + ']}']
fails = []
for t in bad_docs:
    rc, out, err = jq(t, "")
    if rc != 3 or "not JSON" not in err or "at byte" not in err:
        fails.append(f"{t!r}: exit {rc} {err.strip()}")
print(f"ok lab_json_malformed: {len(bad_docs)} malformed documents rejected with a byte offset" if not fails
      else "FAIL lab_json_malformed: " + "; ".join(fails[:4]))
PY
