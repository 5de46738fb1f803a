#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot test: boot Debian's real kernel KVER under QEMU (TCG, q35, intel-iommu,
# QEMU's edu device 1234:11e8 behind a PCIe root port) with a busybox
# initramfs, load the vfio stack and our modules, bind edu to i40e_vfio_pci
# through driver_override, check /dev/vfio/<group>, unbind, run
# vfmig_portable.ko's in-kernel self-tests, unload everything, power off.
#
#   tests/kernel/boot-test.sh [--no-build] [--timeout S] [--fault WHAT] [KVER...]
#
# KVER defaults to every installed /usr/src/linux-headers-*-amd64 (as the
# Makefile's KDIRS). For each kernel: the modules are built with
# scripts/kbuild.sh (incremental; --no-build uses the .ko files already in
# build/kbuild/), the matching linux-image package is fetched and cached by
# fetch-image.sh, mkinitramfs.sh packs init.sh and the modules, QEMU runs under
# a hard timeout (default 180 s), and the console log
# (build/test-logs/kernel-KVER.console) and the guest's report
# (build/test-logs/kernel-KVER.results) are judged here.
#
# Output follows scripts/run-tests.sh: one "ok NAME" or "FAIL NAME" line per
# check, "#   " lines explaining a failure, "# info:" lines with numbers (boot
# time, module sizes), "# skip:" when QEMU is missing.
# Exit status: 0 every check passed, 1 a check failed, 77 skipped (no
# qemu-system-x86_64; nothing was tested), 2 usage error.
#
# --fault WHAT makes the guest misbehave on purpose, to prove a failure is
# caught: warning (fake "WARNING:" kernel message), skip-deps (load no
# dependency module), hang (never power off), panic (crash the kernel).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
logs=$top/build/test-logs
SKIP=77

build=1
timeout_s=180
fault=
kvers=()
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
	--fault) fault=${2:?--fault needs warning|skip-deps|hang|panic}; shift ;;
	-h | --help) awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "boot-test: unknown option $1" >&2; exit 2 ;;
	*) kvers+=("$1") ;;
	esac
	shift
done
case $fault in '' | warning | skip-deps | hang | panic) ;;
*) echo "boot-test: unknown fault '$fault'" >&2; exit 2 ;;
esac
case $timeout_s in '' | *[!0-9]*) echo "boot-test: --timeout needs whole seconds" >&2; exit 2 ;; esac
if [ ${#kvers[@]} -eq 0 ]; then
	while IFS= read -r k; do
		kvers+=("${k##*/linux-headers-}")
	done < <(printf '%s\n' /usr/src/linux-headers-*-amd64 | grep -v -e -cloud- -e -rt- -e '\*' | sort -V)
fi

QEMU=${QEMU:-qemu-system-x86_64}
if ! command -v "$QEMU" >/dev/null; then
	for k in "${kvers[@]:-all kernels}"; do
		echo "# skip: boot $k: $QEMU not found (scripts/install-deps.sh installs qemu-system-x86 from bookworm-backports); no kernel was booted"
	done
	exit $SKIP
fi
if [ ${#kvers[@]} -eq 0 ]; then
	echo "FAIL boot: no kernel headers under /usr/src (run scripts/install-deps.sh)"
	exit 1
fi

mkdir -p "$logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The checks, in the order the guest runs them: id and description. The guest
# reports by id; an id it never reports (it died before) is a failure.
GUEST_CHECKS=(
	"deps|vfio, vfio_iommu_type1, vfio-pci-core and our modules' dependencies load"
	"insmod_product|i40e_vfio_pci.ko loads"
	"driver_registered|i40e_vfio_pci registers its pci_driver (/sys/bus/pci/drivers/i40e_vfio_pci)"
	"bind|edu (1234:11e8) binds to i40e_vfio_pci via driver_override + drivers_probe"
	"vfio_group|/dev/vfio/<iommu group> appears for the bound device"
	"unbind|the device unbinds from i40e_vfio_pci"
	"vfio_group_released|/dev/vfio/<iommu group> goes away after the unbind"
	"insmod_portable|vfmig_portable.ko loads (its init runs the in-kernel self-tests)"
	"selftest|in-kernel self-tests report 'vfmig_selftest: N passed, 0 failed'"
	"rmmod_portable|vfmig_portable unloads"
	"rmmod_product|i40e_vfio_pci unloads"
)
# What must never appear in a kernel log.
BAD_RE='WARNING:|\bBUG:|Oops|KASAN|general protection|Call Trace|[Kk]ernel panic'

failures=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

boot_one() {
	local kver=$1 name="boot $1" kdir=/usr/src/linux-headers-$1
	local console=$logs/kernel-$1.console results=$logs/kernel-$1.results
	local t0 t1 tb img product portable kind rc=0 id desc line st det
	local -A status=() why=()
	pass() { echo "ok $name: $*"; }
	fail() { failures=$((failures + 1)); echo "FAIL $name: $*"; }
	t0=$(now)
	rm -f "$console" "$results"

	if [ ! -f "$kdir/Makefile" ]; then
		fail "no kernel headers at $kdir (run scripts/install-deps.sh)"
		return
	fi
	product=$top/build/kbuild/$kver/product/i40e_vfio_pci.ko
	portable=$top/build/kbuild/$kver/portable/vfmig_portable.ko
	if [ $build = 1 ]; then
		for kind in product portable; do
			if ! "$top/scripts/kbuild.sh" "$kdir" $kind >"$logs/kernel-$kver.kbuild-$kind.log" 2>&1; then
				fail "$kind module does not build (see build/test-logs/kernel-$kver.kbuild-$kind.log)"
				tail -n 5 "$logs/kernel-$kver.kbuild-$kind.log" | sed 's/^/#   /'
				return
			fi
		done
	fi
	for kind in "$product" "$portable"; do
		if [ ! -f "$kind" ]; then
			fail "${kind#"$top"/} not built (run scripts/kbuild.sh $kdir product|portable)"
			return
		fi
	done
	tb=$(now)

	if ! img=$("$here/fetch-image.sh" "$kver" 2>"$logs/kernel-$kver.fetch.log"); then
		fail "cannot get the linux-image package for $kver (see build/test-logs/kernel-$kver.fetch.log)"
		sed 's/^/#   /' "$logs/kernel-$kver.fetch.log" | tail -n 5
		return
	fi
	if ! "$here/mkinitramfs.sh" "$img" "$kver" "$tmp/initramfs-$kver.cpio" "$product" "$portable" \
		2>"$logs/kernel-$kver.initramfs.log"; then
		fail "cannot build the initramfs (see build/test-logs/kernel-$kver.initramfs.log)"
		sed 's/^/#   /' "$logs/kernel-$kver.initramfs.log" | tail -n 5
		return
	fi
	t1=$(now)

	# QEMU's option parser splits on commas: give it only paths in $tmp.
	ln -sf "$img/boot/vmlinuz-$kver" "$tmp/vmlinuz-$kver"
	rm -f "$tmp/results"
	local append="intel_iommu=on console=ttyS0 panic=-1 oops=panic"
	[ -n "$fault" ] && append="$append vfmig.fault=$fault"
	local qt0 qt1
	qt0=$(now)
	timeout -k 5 "$timeout_s" "$QEMU" \
		-machine q35,kernel-irqchip=split -accel tcg -m 1024 -smp 1 \
		-nographic -no-reboot -vga none -nic none \
		-device intel-iommu,caching-mode=on,intremap=on \
		-device pcie-root-port,id=rp0,chassis=1,slot=1 \
		-device edu,bus=rp0 \
		-kernel "$tmp/vmlinuz-$kver" -initrd "$tmp/initramfs-$kver.cpio" \
		-append "$append" \
		-serial mon:stdio -serial "file:$tmp/results" \
		</dev/null >"$console" 2>&1 || rc=$?
	qt1=$(now)
	if [ -f "$tmp/results" ]; then mv "$tmp/results" "$results"; else : >"$results"; fi

	# The guest's report: "check ID ok|FAIL DETAIL", "detail TEXT" (for the
	# check before it), "info KEY VALUE", "done". The tty adds \r.
	local -a infos=() details=()
	local last='' done=0 booted=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"check "*)
			line=${line#check }
			id=${line%% *}; line=${line#"$id"}; line=${line# }
			st=${line%% *}; det=${line#"$st"}; det=${det# }
			status[$id]=$st
			why[$id]=$det
			last=$id
			;;
		"detail "*) details+=("$last|${line#detail }") ;;
		"info "*)
			infos+=("${line#info }")
			booted=1
			;;
		done) done=1 ;;
		esac
	done <"$results"

	local at_init
	at_init=$(sed -n 's/^info uptime_at_init_s \([0-9.]*\).*/\1/p' "$results" | head -n 1)
	echo "# info: $name: QEMU ran $(secs "$qt0" "$qt1") s (wall), guest reached /init at ${at_init:-(never)} s guest time; build $(secs "$t0" "$tb") s, image+initramfs $(secs "$tb" "$t1") s"
	echo "# info: $name: i40e_vfio_pci.ko $(stat -c %s "$product") bytes, vfmig_portable.ko $(stat -c %s "$portable") bytes"
	local i
	for i in "${infos[@]}"; do
		case $i in uptime_at_init_s* | guest_kernel* | guest_cpu*) continue ;; esac
		echo "# info: $name: $i"
	done

	if [ $booted = 1 ]; then
		pass "kernel boots to the test init (TCG, q35, intel-iommu, edu behind a root port)"
	else
		fail "kernel boots to the test init (TCG, q35, intel-iommu, edu behind a root port)"
		echo "#   the guest never reported; QEMU exit status $rc; last console lines:"
		grep -av '^$' "$console" | tail -n 8 | sed 's/^/#   /'
	fi

	local c d
	for c in "${GUEST_CHECKS[@]}"; do
		id=${c%%|*}; desc=${c#*|}
		case ${status[$id]:-} in
		ok) pass "$desc" ;;
		FAIL)
			fail "$desc"
			echo "#   ${why[$id]}"
			for d in "${details[@]}"; do
				[ "${d%%|*}" = "$id" ] && echo "#   ${d#*|}"
			done
			;;
		*)
			fail "$desc"
			echo "#   not reached: the guest stopped before this check"
			;;
		esac
	done

	# Kernel log: no warning, bug, oops or panic, and no W (warning, 512) or
	# D (died, 128) taint. The guest's own report lines are not kernel output.
	local bad tainted
	bad=$(grep -naE "$BAD_RE" "$console" | grep -v '@@vfmig ' || true)
	tainted=$(sed -n 's/^info tainted \([0-9]*\).*/\1/p' "$results" | head -n 1)
	if [ -z "$bad" ] && { [ -z "$tainted" ] || [ $((tainted & (512 | 128))) -eq 0 ]; }; then
		pass "no WARNING/BUG/Oops/KASAN/general protection/Call Trace/panic in the kernel log"
	else
		fail "no WARNING/BUG/Oops/KASAN/general protection/Call Trace/panic in the kernel log"
		[ -n "$bad" ] && echo "$bad" | head -n 20 | sed 's/^/#   console:/'
		[ -n "$tainted" ] && [ $((tainted & (512 | 128))) -ne 0 ] &&
			echo "#   kernel tainted $tainted (W=512 warning, D=128 died)"
	fi

	if [ $rc -eq 0 ] && [ $done = 1 ]; then
		pass "guest ran to the end and powered off (limit ${timeout_s} s)"
	else
		fail "guest ran to the end and powered off (limit ${timeout_s} s)"
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "#   QEMU killed after ${timeout_s} s: the guest hung"
		elif [ $rc -ne 0 ]; then
			echo "#   QEMU exited with status $rc:"
			grep -a 'qemu-system' "$console" | head -n 5 | sed 's/^/#   /'
		else
			echo "#   the guest stopped before the end of init (kernel panic or reboot?)"
		fi
		echo "#   console: ${console#"$top"/}"
	fi
}

for kver in "${kvers[@]}"; do
	boot_one "$kver"
done
[ $failures -eq 0 ]
