#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Device-state streams through the lab CLI: `vfmig-lab save` writes a real
# stream from a VF carrying traffic; `vfmig-lab load` feeds streams to a fresh
# destination VF in writes of random sizes. The good stream is accepted (exit
# 0, also with reordered records inside a section, which the format allows);
# corrupted ones (bit flips, truncation, length inflation, reordered and
# duplicated records, data after END, an unknown mandatory tag, another major
# version) and an incompatible destination are rejected with exit 2 and one line
# of reason on stderr, and the VF is checked to be untouched (exit 3 otherwise).
set -u
cd "$(dirname "$0")/../.."
lab=build/vfmig-lab
[ -x $lab ] || { echo "FAIL lab_stream: $lab not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if $lab save --out $tmp/good.bin --queues 4 --ring 512 --seconds 0.1 --quiet && [ -s $tmp/good.bin ]; then
	echo "ok lab_save: $(stat -c %s $tmp/good.bin) bytes of device state from a VF with traffic"
else
	echo "FAIL lab_save: vfmig-lab save failed"; exit 1
fi
$lab save --out $tmp/big.bin --queues 16 --ring 4096 --seconds 0.05 --traffic rx --quiet ||
	echo "FAIL lab_save 16x4096: vfmig-lab save failed"

accept() {	# name file [load options]
	name=$1 f=$2; shift 2
	out=$($lab load --in "$f" --quiet "$@" 2>&1); rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then echo "ok $name: accepted"
	else echo "FAIL $name: exit $rc: $out"; fi
}

reject() {	# name file want_substring [load options]
	name=$1 f=$2 want=$3; shift 3
	$lab load --in "$f" --quiet "$@" >$tmp/out 2>$tmp/err; rc=$?
	lines=$(wc -l <$tmp/err)
	reason=$(sed -n 's/.*stream rejected: //p' $tmp/err)
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ -n "$reason" ] &&
	   { [ -z "$want" ] || grep -qi -- "$want" $tmp/err; }; then
		echo "ok $name: rejected: $reason"
	else
		echo "FAIL $name: exit $rc (want 2), want '$want' in: $(tr '\n' ' ' <$tmp/err)"
	fi
}

for s in 1 2 3; do accept "lab_load good stream (write split $s)" $tmp/good.bin --seed $s; done
accept "lab_load 16x4096 stream" $tmp/big.bin
reject "lab_load incompatible: fewer queue pairs" $tmp/good.bin "needs 4 queue pairs, this VF has 2" --queues 2
reject "lab_load incompatible: 16x4096 into 8 queue pairs" $tmp/big.bin "needs 16 queue pairs" --queues 8
$lab load --in $tmp/nonexistent >/dev/null 2>$tmp/err; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <$tmp/err)" -eq 1 ] && grep -q "cannot open" $tmp/err; then
	echo "ok lab_load missing file: exit 2, $(cat $tmp/err)"
else
	echo "FAIL lab_load missing file: exit $rc: $(cat $tmp/err)"
fi

# corrupted variants (CRC32C recomputed where the point is to get past the CRC)
python3 - $tmp/good.bin $tmp <<'PY'
import os, random, struct, sys
src, out = sys.argv[1], sys.argv[2]
b = open(src, 'rb').read()

def crc32c(data):
    crc = 0xffffffff
    for x in data:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xffffffff

def records(s):
    r, off = [], 0
    while off + 16 <= len(s):
        tag, fl, ln = struct.unpack_from('<IIQ', s, off)
        r.append(bytes(s[off:off + 16 + ln])); off += 16 + ln
    assert off == len(s), "stream does not parse"
    return r

def tag(rec):
    return struct.unpack_from('<I', rec, 0)[0]

def join(recs, fix=True):
    s = b''.join(recs)
    if fix and recs and tag(recs[-1]) == 3:	# END: recompute the CRC of what precedes it
        body = b''.join(recs[:-1])
        s = body + recs[-1][:16] + struct.pack('<I', crc32c(body))
    return s

R = records(b)
assert tag(R[0]) == 1 and tag(R[-1]) == 3
stop = [tag(x) for x in R].index(2)
assert join(R) == b, "CRC recomputation does not reproduce the stream"
cfg = [i for i in range(1, stop)]
rt = [i for i in range(stop + 1, len(R) - 1)]
txq = [i for i in rt if tag(R[i]) == 0x201]
v = {}

def w(name, data):
    v[name] = data

# bit flips (CRC not fixed): every part of the stream
for name, pos in [("flip MATCH magic", 16), ("flip first CONFIG payload", len(R[0]) + 20),
                  ("flip TXQ payload", sum(map(len, R[:txq[0]])) + 20),
                  ("flip END CRC", len(b) - 2), ("flip a record header length", len(R[0]) + 8)]:
    x = bytearray(b); x[pos] ^= 0x04; w(name, bytes(x))
rnd = random.Random(4)
for k in range(24):
    x = bytearray(b); p = rnd.randrange(len(b)); x[p] ^= 1 << rnd.randrange(8)
    w(f"random bit flip {k} at byte {p}", bytes(x))
# truncation
for n in (0, 10, 16 + 5, len(R[0]) + 3, sum(map(len, R[:stop])), sum(map(len, R[:stop + 1])),
          sum(map(len, R[:txq[1]])) + 7, len(b) - 4, len(b) - 1):
    w(f"truncated at {n} of {len(b)}", b[:n])
# length inflation
def inflate(i, delta, fix):
    r = list(R); x = bytearray(r[i]); ln = struct.unpack_from('<Q', x, 8)[0]
    struct.pack_into('<Q', x, 8, ln + delta); r[i] = bytes(x)
    return join(r, fix)
w("length +1 of a CONFIG record (CRC fixed)", inflate(cfg[0], 1, True))
w("length +1 of a TXQ record", inflate(txq[0], 1, False))
w("length 2^40 of a CONFIG record", inflate(cfg[1], 1 << 40, False))
w("length 65537 of MATCH (CRC fixed)", inflate(0, 65537 - (len(R[0]) - 16), True))
w("length +4096 of STOPCOPY (CRC fixed)", inflate(stop, 4096, True))
# reordering that breaks the structure (CRC fixed, so only structure can catch it)
def moved(i, j):
    r = list(R); x = r.pop(i); r.insert(j, x); return r
w("TXQ moved before STOPCOPY (CRC fixed)", join(moved(txq[0], stop)))
w("MATCH moved after a CONFIG record (CRC fixed)", join(moved(0, 2)))
w("STOPCOPY moved after the runtime records (CRC fixed)", join(moved(stop, len(R) - 2)))
r = list(R); r[cfg[0]], r[cfg[1]] = r[cfg[1]], r[cfg[0]]
w("two CONFIG records swapped (CRC not fixed)", join(r, False))
# duplication
def dup(i, fix=True):
    r = list(R); r.insert(i + 1, R[i]); return join(r, fix)
w("CONFIG record duplicated (CRC fixed)", dup(cfg[0]))
w("TXQ record duplicated (CRC fixed)", dup(txq[0]))
w("MATCH duplicated (CRC fixed)", dup(0))
w("STOPCOPY duplicated (CRC fixed)", dup(stop))
w("STATS duplicated (CRC not fixed)", dup(len(R) - 2, False))
w("END duplicated", b + R[-1])
w("data after END", b + b'\0')
# unknown mandatory tag, bad flags, other major (CRC fixed)
r = list(R); x = bytearray(r[cfg[2]]); struct.pack_into('<I', x, 0, 0x7777); r[cfg[2]] = bytes(x)
w("unknown mandatory tag (CRC fixed)", join(r))
r = list(R); x = bytearray(r[cfg[2]]); struct.pack_into('<I', x, 4, 2); r[cfg[2]] = bytes(x)
w("undefined record flag (CRC fixed)", join(r))
r = list(R); x = bytearray(r[0]); x[16 + 4] += 1; r[0] = bytes(x)
w("another major version (CRC fixed)", join(r))
# positive control: records may come in any order within a section
r = list(R); r[cfg[0]], r[cfg[1]] = r[cfg[1]], r[cfg[0]]
r[txq[0]], r[txq[1]] = r[txq[1]], r[txq[0]]
open(os.path.join(out, "reordered-ok.bin"), 'wb').write(join(r))
with open(os.path.join(out, "variants.txt"), 'w') as idx:
    for i, (name, data) in enumerate(v.items()):
        fn = os.path.join(out, f"bad{i}.bin")
        open(fn, 'wb').write(data)
        idx.write(f"{fn}\t{name}\n")
PY
accept "lab_load records reordered within their sections (CRC fixed)" $tmp/reordered-ok.bin
while IFS=$'\t' read -r f name; do
	reject "lab_load $name" "$f" ""
done <$tmp/variants.txt
