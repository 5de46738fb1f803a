#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Real QEMU as the migration engine (issue 9): boot Debian's kernel
# KVER as an L1 guest (TCG, q35, intel-iommu caching-mode/intremap,
# kernel-irqchip=split, two edu devices each behind its own PCIe root port,
# -m 3072 -smp 2), bind both edu devices to i40e_vfio_pci as migratable VFs
# of two model PFs (vfmig_portable.ko), and let the host's own QEMU 10 -
# staged into the L1 initramfs with its libraries and SeaBIOS
# (stage-qemu.sh) - run L2 VMs on them and migrate them: the scenarios of
# tests/qemu/scenarios.sh (A -> B, back B -> A, cancel at pre-switchover,
# a fresh migration after it, a destination that must refuse the stream;
# in those the L2s idle in SeaBIOS and QEMU drives the whole VFIO migration
# uAPI), then l2_traffic: an L2 whose OS is our guest driver
# (build/vfmig-l2.elf) sends checked frames through the VF while QEMU
# migrates it.
#
#   tests/qemu/qemu-migrate.sh [--no-build] [--timeout S] [--fault WHAT] [KVER...]
#
# KVER defaults to every installed /usr/src/linux-headers-*-amd64. A kernel
# whose vfio.ko lacks iova_bitmap (Debian's 6.12) runs with the vfio.ko
# tests/kernel/build-vfio.sh rebuilds (PRE_COPY and device DMA logging);
# 6.1's own vfio.ko has both of what 6.1 offers (DMA logging, no PRE_COPY).
#
# Output as scripts/run-tests.sh: "ok NAME" / "FAIL NAME" per scenario and
# check, "#   " details, "# info:" numbers. Logs: build/test-logs/
# qemu-migrate-KVER.{console,results}, the summary qemu-migrate-KVER.json
# (QEMU's "info migrate" numbers, the driver's arcs, log reports and
# PRECOPY_INFO calls per scenario; QEMU's trace lines) and
# qemu-migrate-KVER.txt (short, for humans).
# Exit: 0 all passed, 1 a failure, 77 skipped (no qemu-system-x86_64), 2 usage.
#
# --fault WHAT proves the checks bite: accept (the incompatible destination
# gets the source's queue count and accepts: refuse_incompatible must FAIL),
# no-result (migrate_ab's QEMU numbers are not recorded: must FAIL),
# warning (a fake kernel WARNING: the kernel-log check must FAIL),
# drop-dirty (the test module empties every dirty report of the driver,
# tests/kbuild/fault_dirty.c: pages the VF wrote reach B stale, and
# l2_traffic must FAIL), timer-stall (L1's first boot fakes the one stall
# that is booted again, below: all must pass, after a second boot).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$top/tests/kernel/lib.sh"
kt=$top/tests/kernel
logs=$top/build/test-logs
SKIP=77

build=1
timeout_s=300
fault=
kvers=()
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
	--fault) fault=${2:?--fault needs accept|no-result|warning|drop-dirty|timer-stall}; shift ;;
	-h | --help) awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "qemu-migrate: unknown option $1" >&2; exit 2 ;;
	*) kvers+=("$1") ;;
	esac
	shift
done
case $fault in '' | accept | no-result | warning | drop-dirty | timer-stall) ;;
*) echo "qemu-migrate: unknown fault '$fault'" >&2; exit 2 ;;
esac
case $timeout_s in '' | *[!0-9]*) echo "qemu-migrate: --timeout needs whole seconds" >&2; exit 2 ;; esac
if [ ${#kvers[@]} -eq 0 ]; then
	while IFS= read -r k; do
		kvers+=("${k#/usr/src/linux-headers-}")
	done < <(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e -cloud- -e -rt- | sort -V)
fi

QEMU=$(command -v qemu-system-x86_64 || true)
if [ -z "$QEMU" ]; then
	echo "# skip: qemu-migrate: qemu-system-x86_64 not installed (scripts/install-deps.sh)"
	exit $SKIP
fi
if [ ${#kvers[@]} -eq 0 ]; then
	echo "FAIL qemu-migrate: no kernel headers under /usr/src (run scripts/install-deps.sh)"
	exit 1
fi
mkdir -p "$logs" "$top/build/qemu-migrate"
# One run at a time (make check and make check-qemu-migrate may overlap):
# the logs and the staged tree are shared, and two L1s would starve each
# other of the machine's cores.
exec 8>"$top/build/qemu-migrate/.lock"
if ! flock -n 8; then
	echo "# info: qemu-migrate: another run holds build/qemu-migrate/.lock; waiting"
	flock 8
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Every kernel's L1 gets the same staged QEMU.
if ! stage=$("$here/stage-qemu.sh" "$QEMU" 2>"$logs/qemu-migrate-stage.log"); then
	echo "FAIL qemu-migrate: cannot stage QEMU for L1: $(tail -n 1 "$logs/qemu-migrate-stage.log")"
	exit 1
fi

# (6.8+ without CONFIG_IOMMUFD_DRIVER, as boot-test.sh)
lacks_iova_bitmap() {
	local v=${1%%-*} maj min
	maj=${v%%.*}; min=${v#*.}; min=${min%%[!0-9]*}
	[ $((maj * 100 + min)) -ge 608 ] &&
		! grep -qx 'CONFIG_IOMMUFD_DRIVER=y' "/usr/src/linux-headers-$1/.config"
}

# The scenario list and the files they need, from scenarios.sh.
mapfile -t scenarios < <(bash -c '. "$1"; scenario_list' _ "$here/scenarios.sh")
mapfile -t scenario_files < <(bash -c '. "$1"; scenario_files' _ "$here/scenarios.sh")

# The one L1 stall that is booted again (once): the guest's RCU reports that
# a timer on an idle vCPU never fired, and every vCPU is halted (HLT=1 in
# the monitor's registers) - nothing runs and nothing waits on a lock; the
# interrupt that should have woken the vCPU was lost under QEMU's TCG. Seen
# in a CI run on 6.1 right after an L2 opened a VF, like two earlier hangs
# of the same shape (every vCPU halted) that left no report at all. It is
# caught when RCU says so (~21 s in), not at the time limit. Any other hang,
# or this one twice, fails the run.
TIMER_STALL_RE="rcu_preempt kthread timer wakeup didn't happen"
all_halted() {	# HANG_DUMP: every vCPU in it halted
	local n h
	n=$(grep -c '^CPU#' "$1" 2>/dev/null)
	h=$(grep -c 'HLT=1' "$1" 2>/dev/null)
	[ "${n:-0}" -gt 0 ] && [ "$n" = "$h" ]
}

# where_hung HANGFILE SYSTEM.MAP: each vCPU's RIP as kernel symbol+offset
# (module addresses: see the L1's "info modules" line in the results).
where_hung() {
	echo "#   L1 hung: each vCPU when it was killed (${1#"$top"/}):"
	python3 - "$1" "$2" <<'PY'
import bisect, re, sys
syms = []
for l in open(sys.argv[2]):
    a, t, n = l.split()[:3]
    if t in "tTwW":
        syms.append((int(a, 16), n))
syms.sort()
keys = [a for a, _ in syms]
cpu = "?"
for l in open(sys.argv[1]):
    m = re.match(r"CPU#(\d+)", l)
    if m:
        cpu = m.group(1)
    m = re.match(r"RIP=([0-9a-f]+)", l)
    if m:
        rip = int(m.group(1), 16)
        i = bisect.bisect_right(keys, rip) - 1
        where = f"{syms[i][1]}+{rip - keys[i]:#x}" if i >= 0 and rip - keys[i] < 0x100000 else "(not in the kernel image: a module or user space)"
        print(f"#     CPU {cpu}: RIP {rip:#x} {where}")
PY
}

run_one() {
	local kver=$1 kdir=/usr/src/linux-headers-$1 name="qemu-migrate $1"
	# a fault run's records do not overwrite the real run's
	local run=qemu-migrate-$1${fault:+-fault-$fault}
	local console=$logs/$run.console results=$logs/$run.results
	local json=$logs/$run.json txt=$logs/$run.txt hang=$logs/$run.hang
	local product portable img kind vfio_ko= vfio_desc="stock vfio.ko" rc=0 t0 t1 qt0 qt1
	pass() { echo "ok $name: $*"; }
	fail() { failures=$((failures + 1)); echo "FAIL $name: $*"; }
	t0=$(now)
	rm -f "$console" "$results" "$json" "$txt" "$hang" "$logs/$run".stalled.*
	[ -f "$kdir/Makefile" ] || { fail "no kernel headers at $kdir"; return; }
	product=$top/build/kbuild/$kver/product/i40e_vfio_pci.ko
	portable=$top/build/kbuild/$kver/portable/vfmig_portable.ko
	if [ $build = 1 ]; then
		for kind in product portable; do
			if ! "$top/scripts/kbuild.sh" "$kdir" $kind >"$logs/qemu-migrate-$kver.kbuild-$kind.log" 2>&1; then
				fail "$kind module does not build (see build/test-logs/qemu-migrate-$kver.kbuild-$kind.log)"
				return
			fi
		done
	fi
	for kind in "$product" "$portable"; do
		[ -f "$kind" ] || { fail "${kind#"$top"/} not built"; return; }
	done
	if ! img=$("$kt/fetch-image.sh" "$kver" 2>"$logs/qemu-migrate-$kver.fetch.log"); then
		fail "cannot get the linux-image package (see build/test-logs/qemu-migrate-$kver.fetch.log)"
		return
	fi
	if lacks_iova_bitmap "$kver"; then
		if ! vfio_ko=$("$kt/build-vfio.sh" "$kver" 2>"$logs/qemu-migrate-$kver.vfio-build.log"); then
			fail "vfio.ko with iova_bitmap: $(tail -n 1 "$logs/qemu-migrate-$kver.vfio-build.log")"
			return
		fi
		vfio_desc="vfio.ko rebuilt with iova_bitmap (${vfio_ko#"$top"/})"
	fi
	# The L1 root: staged QEMU, scenarios.sh, the files scenarios ask for.
	local extra=$tmp/extra-$kver l src dst
	rm -rf "$extra"
	mkdir -p "$extra/etc/vfmig"
	cp "$here/scenarios.sh" "$extra/etc/vfmig/scenarios.sh"
	for l in "${scenario_files[@]}"; do
		[ -n "$l" ] || continue
		src=${l%% *}; dst=${l#* }
		[ -f "$top/$src" ] || { fail "scenario file $src missing"; return; }
		mkdir -p "$extra$(dirname "$dst")"
		cp "$top/$src" "$extra$dst"
	done
	if ! VFMIG_VFIO_KO="$vfio_ko" "$kt/mkinitramfs.sh" --init "$here/l1-init.sh" \
		--tree "$stage" --tree "$extra" "$img" "$kver" "$tmp/l1-$kver.cpio" \
		"$product" "$portable" 2>"$logs/qemu-migrate-$kver.initramfs.log"; then
		fail "cannot build the L1 initramfs (see build/test-logs/qemu-migrate-$kver.initramfs.log)"
		sed 's/^/#   /' "$logs/qemu-migrate-$kver.initramfs.log" | tail -n 5
		return
	fi
	t1=$(now)
	echo "# info: $name: $vfio_desc; L1 initramfs $(($(stat -c %s "$tmp/l1-$kver.cpio") >> 20)) MiB, built in $(secs "$t0" "$t1") s"

	ln -sf "$img/boot/vmlinuz-$kver" "$tmp/vmlinuz-$kver"
	# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
	# miss its window and panic the boot ("timer doesn't work through
	# Interrupt-remapped IO-APIC"); the timer works.
	# hung_task_timeout_secs=60: a task stuck in the kernel that long is
	# reported (with its stack) instead of only timing out.
	local append="intel_iommu=on console=ttyS0 panic=-1 oops=panic no_timer_check hung_task_timeout_secs=60 nokaslr"
	[ -n "$fault" ] && append="$append vfmig.fault=$fault"
	# In the background with a monitor socket: when L1 hangs, where each
	# vCPU is (nokaslr: RIP -> System.map) is asked before the kill.
	local attempt=1 qpid deadline stalled
	while :; do
		rm -f "$tmp/results"
		qt0=$(now)
		"$QEMU" -monitor "unix:$tmp/l0.mon,server=on,wait=off" \
			"${LAB_MACHINE[@]}" -m 3072 -smp 2 \
			-kernel "$tmp/vmlinuz-$kver" -initrd "$tmp/l1-$kver.cpio" \
			-append "$append vfmig.boot=$attempt" \
			-serial stdio -serial "file:$tmp/results" \
			</dev/null >"$console" 2>&1 &
		qpid=$! deadline=$((SECONDS + timeout_s)) stalled=0 rc=0
		while kill -0 $qpid 2>/dev/null && [ $SECONDS -lt $deadline ]; do
			grep -aqs "$TIMER_STALL_RE" "$console" && { stalled=1; break; }
			sleep 1
		done
		if kill -0 $qpid 2>/dev/null; then
			python3 "$here/l0-monitor.py" "$tmp/l0.mon" "info cpus" "info registers -a" \
				>"$hang" 2>&1 || true
			kill $qpid 2>/dev/null
			sleep 2
			kill -9 $qpid 2>/dev/null || true
			wait $qpid 2>/dev/null || true
			rc=124
		else
			wait $qpid || rc=$?
		fi
		qt1=$(now)
		if [ $stalled = 1 ] && [ $attempt = 1 ] && all_halted "$hang"; then
			mv "$console" "$logs/$run.stalled.console"
			mv "$hang" "$logs/$run.stalled.hang"
			echo "# info: $name: L1 boot 1 stopped after $(secs "$qt0" "$qt1") s: a vCPU's timer interrupt never came (the kernel's RCU says its timer wakeup did not happen) while every vCPU sat halted, a stall of QEMU's TCG and no task of ours; booting L1 again, once (build/test-logs/$run.stalled.*)"
			attempt=2
			continue
		fi
		break
	done
	if [ -f "$tmp/results" ]; then tr -d '\r' <"$tmp/results" >"$results"; else : >"$results"; fi
	echo "# info: $name: L1 QEMU ran $(secs "$qt0" "$qt1") s (wall), limit $timeout_s s"

	# The guest's checks, against the list the host expects.
	local -A status=() why=()
	local line id st det c desc
	while IFS= read -r line; do
		case $line in
		"check "*)
			line=${line#check }
			id=${line%% *}; line=${line#"$id"}; line=${line# }
			st=${line%% *}; det=${line#"$st"}; det=${det# }
			status[$id]=$st; why[$id]=$det
			;;
		esac
	done <"$results"
	for c in "setup|L1 boots, loads the vfio stack and our modules, binds both edu devices as migratable model VFs" \
		"${scenarios[@]}"; do
		id=${c%%|*}; desc=${c#*|}
		case ${status[$id]:-} in
		ok) pass "$id: $desc" ;;
		FAIL)
			fail "$id: $desc"
			echo "#   ${why[$id]}"
			awk -v id="$id" '/^check / { cur = $2 } /^detail / && cur == id { sub(/^detail /, "#   "); print }' "$results" | head -n 10
			;;
		*) fail "$id: $desc"; echo "#   not reported: L1 stopped before this scenario (or skipped it)" ;;
		esac
	done

	# QEMU's numbers must be there for every migration that completes.
	local s missing=
	for s in migrate_ab pingpong_ba fresh_after_cancel; do
		for k in qemu_status qemu_total qemu_down; do
			grep -q "^rec $s $k " "$results" || missing="$missing $s:$k"
		done
	done
	if [ -z "$missing" ]; then
		pass "QEMU's result (status, total time, downtime) recorded for every completed migration"
	else
		fail "QEMU's result (status, total time, downtime) recorded for every completed migration"
		echo "#   missing:$missing"
	fi

	judge_kernel_log "$console" "$results" "L1's kernel log"
	if [ $rc -eq 0 ] && grep -qx done "$results"; then
		pass "L1 ran to the end and powered off (limit ${timeout_s} s)"
	else
		fail "L1 ran to the end and powered off (limit ${timeout_s} s)"
		echo "#   QEMU exit status $rc; last console lines:"
		grep -av '^$' "$console" | tail -n 5 | sed 's/^/#   /'
		[ -s "$hang" ] && where_hung "$hang" "$img/boot/System.map-$kver"
	fi

	python3 "$here/summarize.py" --kver "$kver" --vfio "$vfio_desc" \
		--wall "$(secs "$qt0" "$qt1")" --fault "$fault" \
		"$results" "$json" "$txt" || fail "summary: summarize.py failed"
	[ -f "$txt" ] && sed 's/^/# info: /' "$txt"
}

for kver in "${kvers[@]}"; do
	run_one "$kver"
done
[ $failures -eq 0 ]
