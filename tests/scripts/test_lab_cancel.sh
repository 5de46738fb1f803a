#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Cancel and refusal in the in-process lab. A migration cancelled in every state
# a cancel is possible from (source PRE_COPY, PRE_COPY_P2P, RUNNING_P2P, STOP,
# STOP_COPY; destination RESUMING), and one refused by an incompatible
# destination (fewer queue pairs) during pre-copy, must end with exit 1: the VM
# still runs on the source, its VF RUNNING, traffic flowing after the abort with
# nothing lost, duplicated or corrupted, and the destination VF reset and, once
# released, exactly as new (the lab checks those and exits 3 otherwise; this
# script also checks the report).
set -u
cd "$(dirname "$0")/../.."
lab=build/vfmig-lab
[ -x $lab ] || { echo "FAIL lab_cancel: $lab not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

judge() {	# name rc json stats want_error_substring stderr
	python3 - "$@" <<'PY'
import json, sys
name, rc, jpath, spath, want, errf = sys.argv[1:7]
rc = int(rc)
bad = []
try:
    j = json.load(open(jpath)); s = json.load(open(spath))
except Exception as e:
    print(f"FAIL {name}: no report (exit {rc}): {e}"); sys.exit(0)
if rc != 1:
    bad.append(f"exit {rc}, want 1")
if j["ok"] is not False:
    bad.append("ok is not false")
if not j["error"] or want not in j["error"]:
    bad.append(f"error {j['error']!r} does not say {want!r}")
for k in ("descriptors_lost", "packets_duplicated", "packets_corrupted"):
    if j[k] != 0:
        bad.append(f"{k}={j[k]}")
if s["outcome"] not in ("cancelled", "refused"):
    bad.append(f"outcome {s['outcome']}")
if not s["rx_after"] > 0:
    bad.append("no frame reached the guest after the abort")
if not j["packets_tx"] > 0:
    bad.append("the guest sent nothing")
err = open(errf).read().strip().splitlines()
if len(err) != 1 or "not migrated" not in err[0]:
    bad.append(f"stderr is not one 'not migrated' line: {err!r}")
if bad:
    print(f"FAIL {name}: " + "; ".join(bad))
else:
    print(f"ok {name}: {j['error']}; source ran on ({s['rx_after']} frames received after), "
          f"{j['packets_dropped_blackout']} dropped while stopped")
PY
}

run() {	# name want_error args...
	name=$1 want=$2; shift 2
	f=$tmp/$(echo "$name" | tr ' /' '__')
	timeout 300 $lab migrate --seconds 0.25 --rate 30000 --quiet --json "$f.json" \
		--stats "$f.stats" "$@" >"$f.out" 2>"$f.err"
	judge "$name" $? "$f.json" "$f.stats" "$want" "$f.err"
}

for st in PRE_COPY PRE_COPY_P2P RUNNING_P2P STOP STOP_COPY RESUMING; do
	run "lab_cancel $st 4x512" "cancelled in $st" --cancel-at $st --queues 4 --ring 512
	run "lab_cancel $st 16x64" "cancelled in $st" --cancel-at $st --queues 16 --ring 64 --seed 5
done
run "lab_refuse fewer queues during pre-copy" "refused by the destination during pre-copy" \
	--queues 4 --dest-max-queues 2
run "lab_refuse fewer queues 16->8" "needs 16 queue pairs, this VF has 8" \
	--queues 16 --ring 256 --dest-max-queues 8
run "lab_refuse without device pre-copy: after the stop" "refused by the destination after the stop" \
	--queues 4 --dest-max-queues 1 --no-device-precopy

# a refusal during pre-copy happens before the source stops: nothing dropped
f=$tmp/refuse_early
$lab migrate --seconds 0.25 --queues 4 --dest-max-queues 2 --quiet --json $f.json 2>/dev/null
python3 - $f.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
if j["packets_dropped_blackout"] == 0 and j["device_bytes_stopcopy"] == 0 and j["precopy_rounds"] == 0:
    print("ok lab_refuse_before_stop: refused at MATCH, no blackout, no stop-copy, no round finished")
else:
    print(f"FAIL lab_refuse_before_stop: dropped {j['packets_dropped_blackout']}, "
          f"stop-copy {j['device_bytes_stopcopy']}, rounds {j['precopy_rounds']}")
PY

# a destination with more queue pairs than needed is compatible
f=$tmp/more
$lab migrate --seconds 0.2 --queues 4 --dest-max-queues 16 --quiet --json $f.json 2>/dev/null
rc=$?
if [ $rc -eq 0 ]; then echo "ok lab_dest_more_queues: 4 -> 16-queue VF migrates"
else echo "FAIL lab_dest_more_queues: exit $rc"; fi
