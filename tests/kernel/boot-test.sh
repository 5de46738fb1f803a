#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot test: boot Debian's real kernel KVER under QEMU (TCG, q35, intel-iommu,
# two of QEMU's edu devices 1234:11e8, each behind its own PCIe root port)
# with a busybox initramfs, load the vfio stack and our modules, bind an edu
# to i40e_vfio_pci through driver_override (no backend: not migratable),
# check /dev/vfio/<group>, unbind, run vfmig_portable.ko's in-kernel
# self-tests, which then registers the model backend; bind both edu devices
# again (now VF 0 of model PF 0 and of model PF 1, migratable) and run the
# VFIO client tests/kernel/vfio_check.c on them through the real vfio uAPI,
# then the kernel lab on the same two devices (vfmig-lab migrate --vfio A
# --to B: the lab's guest, traffic and migration engine over the ioctls, in
# real time, and a negative control that must fail); unbind, unload
# everything, power off.
#
#   tests/kernel/boot-test.sh [--no-build] [--timeout S] [--fault WHAT]
#                             [--klab-runs N] [KVER...]
#
# --klab-runs N: N kernel lab runs per boot (seeds 1..N); the checks judge
# the first, the others only report their figures ("klab_repeat" lines),
# for measurements (docs/kernel-lab.md).
#
# KVER defaults to every installed /usr/src/linux-headers-*-amd64 (as the
# Makefile's KDIRS). For each kernel: the modules are built with
# scripts/kbuild.sh (incremental; --no-build uses the .ko files already in
# build/kbuild/), the matching linux-image package is fetched and cached by
# fetch-image.sh, vfio_check is built static (build/kernel-test/), and so is
# vfmig-lab (the Makefile's build/kernel-test/vfmig-lab), mkinitramfs.sh
# packs init.sh, the modules, vfio_check and vfmig-lab, QEMU runs under
# a hard timeout (default 180 s), and the console log
# (build/test-logs/kernel-KVER.console) and the guest's report
# (build/test-logs/kernel-KVER.results) are judged here.
#
# What the kernel must offer through the driver is derived from the kernel
# itself, not from the driver: PRE_COPY from 6.2, MIG_DATA_SIZE from 6.3,
# device DMA logging when the kernel can report it (iova_bitmap: in vfio.ko
# before 6.8, from 6.8 only with CONFIG_IOMMUFD_DRIVER, which Debian's 6.12
# lacks). The guest gets it on the kernel command line; the checks expected
# differ accordingly (vfio_checks below).
#
# Output follows scripts/run-tests.sh: one "ok NAME" or "FAIL NAME" line per
# check, "#   " lines explaining a failure, "# info:" lines with numbers (boot
# time, module sizes), "# skip:" when QEMU is missing.
# Exit status: 0 every check passed, 1 a check failed, 77 skipped (no
# qemu-system-x86_64; nothing was tested), 2 usage error.
#
# --fault WHAT makes the guest misbehave on purpose, to prove a failure is
# caught: warning (fake "WARNING:" kernel message), skip-deps (load no
# dependency module), hang (never power off), panic (crash the kernel),
# expect (tell the VFIO client the opposite of what the kernel offers for
# PRE_COPY and DMA logging: its checks must fail, those it then skips count
# as not reported, and those it runs instead as unexpected).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"
logs=$top/build/test-logs
SKIP=77

build=1
timeout_s=180
fault=
klab_runs=1
kvers=()
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
	--fault) fault=${2:?--fault needs warning|skip-deps|hang|panic|expect}; shift ;;
	--klab-runs) klab_runs=${2:?--klab-runs needs a count}; shift ;;
	-h | --help) awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "boot-test: unknown option $1" >&2; exit 2 ;;
	*) kvers+=("$1") ;;
	esac
	shift
done
case $fault in '' | warning | skip-deps | hang | panic | expect) ;;
*) echo "boot-test: unknown fault '$fault'" >&2; exit 2 ;;
esac
case $timeout_s in '' | *[!0-9]*) echo "boot-test: --timeout needs whole seconds" >&2; exit 2 ;; esac
case $klab_runs in '' | 0 | *[!0-9]*) echo "boot-test: --klab-runs needs a count (1 or more)" >&2; exit 2 ;; esac
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

# The VFIO client, static: the initramfs has no C library. Built once for
# every kernel (it adapts to the kernel through --expect), with the portable
# guest AVF driver (guest/) and the userspace osdep, as the lab builds them:
# <linux/avf/virtchnl.h> alone from a kernel header tree (the Makefile's
# rule), the shims of include/vfmig/shim for what it includes.
client=$top/build/kernel-test/vfio_check
mkdir -p "$top/build/kernel-test/shim/linux/avf"
virtchnl=
for k in "${kvers[@]}"; do
	kd=/usr/src/linux-headers-$k
	for c in "$kd/include/linux/avf/virtchnl.h" \
		"$(sed -n 's/^include //p' "$kd/Makefile" 2>/dev/null | sed 's,/Makefile$,,')/include/linux/avf/virtchnl.h"; do
		[ -f "$c" ] && virtchnl=$c && break 2
	done
done
if [ -z "$virtchnl" ]; then
	echo "FAIL boot: no linux/avf/virtchnl.h in the kernel header trees (run scripts/install-deps.sh)"
	exit 1
fi
cmp -s "$virtchnl" "$top/build/kernel-test/shim/linux/avf/virtchnl.h" ||
	cp "$virtchnl" "$top/build/kernel-test/shim/linux/avf/virtchnl.h"
# Rebuilt only when a source is newer than the binary.
if [ -x "$client" ] && [ -z "$(find "$here/vfio_check.c" "$top/lab/vfio_ioctl.c" \
	"$top/lab/vfio_ioctl.h" "$top/lab/vfio_uapi.h" "$top/lab/vfio_dev.h" "$top/guest" \
	"$top/include/vfmig" "$top/lab/osdep_user.c" "$top/tests/selftest/world_inline.h" \
	"$top/build/kernel-test/shim" "$0" -newer "$client" -print -quit)" ]; then
	:
elif ! ${CC:-gcc} -static -O2 -std=gnu11 -g -D_GNU_SOURCE -I"$top/include" \
	-I"$top/include/vfmig/shim" -I"$top/build/kernel-test/shim" -iquote "$top/lab" \
	-Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wdeclaration-after-statement -Wno-unused-parameter \
	"$here/vfio_check.c" "$top/lab/vfio_ioctl.c" "$top"/guest/*.c "$top/lab/osdep_user.c" \
	-o "$client.tmp" >"$logs/kernel-vfio_check.build.log" 2>&1; then
	echo "FAIL boot: tests/kernel/vfio_check.c does not build (see build/test-logs/kernel-vfio_check.build.log)"
	tail -n 5 "$logs/kernel-vfio_check.build.log" | sed 's/^/#   /'
	exit 1
else
	mv "$client.tmp" "$client"
fi

# The kernel lab: vfmig-lab, static and without libpcap (the Makefile's
# rule; make rebuilds it only when a source changed).
klab=$top/build/kernel-test/vfmig-lab
if ! make -C "$top" --no-print-directory -s "build/kernel-test/vfmig-lab" \
	>"$logs/kernel-vfmig-lab.build.log" 2>&1; then
	echo "FAIL boot: the static vfmig-lab does not build (see build/test-logs/kernel-vfmig-lab.build.log)"
	tail -n 5 "$logs/kernel-vfmig-lab.build.log" | sed 's/^/#   /'
	exit 1
fi

# The checks, in the order the guest runs them: id and description. The guest
# reports by id; an id it never reports (it died before) is a failure.
GUEST_CHECKS_BEFORE=(
	"deps|vfio, vfio_iommu_type1, vfio-pci-core and our modules' dependencies load"
	"insmod_product|i40e_vfio_pci.ko loads"
	"driver_registered|i40e_vfio_pci registers its pci_driver (/sys/bus/pci/drivers/i40e_vfio_pci)"
	"bind|edu (1234:11e8) binds to i40e_vfio_pci via driver_override + drivers_probe"
	"vfio_group|/dev/vfio/<iommu group> appears for the bound device"
	"unbind|the device unbinds from i40e_vfio_pci"
	"vfio_group_released|/dev/vfio/<iommu group> goes away after the unbind"
	"insmod_portable|vfmig_portable.ko loads (its init runs the in-kernel self-tests)"
	"selftest|in-kernel self-tests report 'vfmig_selftest: N passed, 0 failed'"
	"bind_model|both edu devices bind to i40e_vfio_pci again, migratable: VF 0 of model PF 0 (A) and of model PF 1 (B)"
)
GUEST_CHECKS_AFTER=(
	"vfio_check|the VFIO client ran to its end"
	"klab_migrate|kernel lab: vfmig-lab migrate --vfio A --to B (the lab's engine over VFIO ioctls, real time) exits 0"
	"klab_device_pages|kernel lab: every page A's device wrote (and the guest CPU did not) is in its dirty report"
	"klab_ram|kernel lab: B's RAM equals A's at the switchover"
	"klab_traffic|kernel lab: the guest's frames come back from the reflector once each, intact, none lost outside the blackout"
	"klab_negative|kernel lab: ignoring the device's dirty report makes the lab find missed device pages and exit 3"
	"unbind_model|both devices unbind from i40e_vfio_pci"
	"rmmod_portable|vfmig_portable unloads"
	"rmmod_product|i40e_vfio_pci unloads"
)

# The VFIO client's checks (tests/kernel/vfio_check.c), for a kernel that
# offers PRE_COPY ($1), MIG_DATA_SIZE ($2), device DMA logging ($3).
vfio_checks() {
	local c=(
		"vfio_setup|vfio: type1 container, group, device fd (with RESET) for A and B"
		"map_dma|vfio: VFIO_IOMMU_MAP_DMA of 4 MiB of anonymous memory at IOVA 0"
		"bar0_region|vfio: BAR0 region info READ|WRITE, no MMAP (the model backend traps all of it), 1 MiB"
		"bar0_mmap_refused|vfio: mmap of BAR0 fails (EINVAL)"
		"bar0_read|vfio: a BAR0 region read gives the model's VFGEN_RSTAT (VFR_VFACTIVE)"
		"bar0_write|vfio: BAR0 region writes reach the model (untrapped and trapped pages read back)"
		"bar0_bad_access|vfio: 1-, 2-, 6-byte and misaligned accesses on trapped pages fail with EINVAL"
		"mig_features|vfio: MIGRATION flags as this kernel allows; devices start RUNNING; MIG_DATA_SIZE as the kernel has it"
		"save_stop_copy|vfio: RUNNING -> STOP_COPY gives a data_fd, read to EOF: a non-empty stream"
		"save_fd_espipe|vfio: lseek/pread/pwrite on the save data_fd give ESPIPE"
		"save_fd_enodev|vfio: after STOP_COPY -> STOP the old data_fd reads ENODEV"
		"resume_restores|vfio: B resumes A's stream (STOP -> RESUMING -> STOP -> RUNNING), A's registers appear on B"
		"resume_fd_espipe|vfio: lseek/pwrite on the resume data_fd give ESPIPE"
		"resume_fd_enodev|vfio: after RESUMING -> STOP the old data_fd writes ENODEV"
		"resume_corrupt|vfio: a corrupted stream fails RESUMING -> STOP into ERROR; VFIO_DEVICE_RESET recovers"
		"resume_truncated|vfio: truncated streams fail RESUMING -> STOP into ERROR; VFIO_DEVICE_RESET recovers"
		"mig_arcs|vfio: every allowed (current, target) pair ends in the target; data_fds exactly for new sessions"
		"mig_arcs_forbidden|vfio: every forbidden (current, target) pair fails with EINVAL and changes nothing"
	)
	if [ "$1" = 1 ]; then
		c+=(
			"precopy_info|vfio: RUNNING -> PRE_COPY data_fd; PRECOPY_INFO initial_bytes > 0 counts down as read"
			"precopy_enomsg|vfio: a drained PRE_COPY data_fd reads ENOMSG"
			"precopy_stop_copy|vfio: PRE_COPY -> STOP_COPY keeps the session, PRECOPY_INFO then EINVAL; the stream restores on B"
			"precopy_cancel|vfio: PRE_COPY -> RUNNING ends the session (ENODEV); a new PRE_COPY starts over"
		)
	fi
	if [ "$1" = 1 ] && [ "$2" = 1 ]; then
		c+=("mig_data_size|vfio: MIG_DATA_SIZE is exactly what STOP_COPY then yields (idle VF)")
	fi
	if [ "$3" = 1 ]; then
		c+=(
			"dma_log_start|vfio: DMA_LOGGING_START (probe, one range over the mapping) succeeds"
			"dma_log_busy|vfio: a second DMA_LOGGING_START gives EBUSY"
			"dma_log_report|vfio: DMA_LOGGING_REPORT returns and only sets bits"
			"dma_log_stop|vfio: DMA_LOGGING_STOP succeeds, REPORT then fails, logging restarts"
		)
	else
		c+=("dma_log_unsupported|vfio: no device DMA logging on this kernel: the DMA_LOGGING_START probe says ENOTTY up front")
	fi
	c+=(
		"guest_bringup|guest: the portable AVF driver brings both VFs up over BAR0 region accesses and the mapped RAM"
		"guest_traffic|guest: frames both ways between the VFs over the model wire, intact, once each"
	)
	if [ "$3" = 1 ]; then
		c+=("guest_dirty_log|guest: every guest RAM page A's device wrote during the migration is reported dirty")
	fi
	c+=(
		"guest_migrate|guest: live migration A -> B (RAM + device stream); frames that reached A while stopped are received on B"
		"guest_after_migration|guest: the migrated guest and a new guest on the reset source exchange frames"
	)
	c+=("close_mid_save|vfio: closing the device fds mid-save/mid-resume: the data_fds give ENODEV, reopened devices RUNNING")
	printf '%s\n' "${c[@]}"
}

# What kernel KVER (unpacked image IMG) offers: "PRECOPY DATASIZE DMALOG".
kernel_offers() {
	local kver=$1 img=$2 v maj min n dmalog=0
	v=${kver%%-*}
	maj=${v%%.*}
	min=${v#*.}
	min=${min%%[!0-9]*}
	n=$((maj * 100 + min))
	if [ $n -lt 608 ] || grep -qx 'CONFIG_IOMMUFD_DRIVER=y' "$img/boot/config-$kver" 2>/dev/null; then
		dmalog=1
	fi
	echo "$((n >= 602)) $((n >= 603)) $dmalog"
}
failures=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# boot_one KVER [VFIO_KO]: VFIO_KO, a vfio.ko rebuilt with iova_bitmap
# (build-vfio.sh), replaces the stock one: the kernel then offers device
# DMA logging, and the driver must find it at load time.
boot_one() {
	local kver=$1 vfio_ko=${2:-} name="boot $1" kdir=/usr/src/linux-headers-$1
	local tag=$1
	[ -n "$vfio_ko" ] && name="boot $1 (vfio.ko with iova_bitmap)" && tag=$1-iova
	local console=$logs/kernel-$tag.console results=$logs/kernel-$tag.results
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
	if ! VFMIG_VFIO_KO="$vfio_ko" "$here/mkinitramfs.sh" "$img" "$kver" \
		"$tmp/initramfs-$kver.cpio" "$product" "$portable" \
		"$client" "$klab" 2>"$logs/kernel-$kver.initramfs.log"; then
		fail "cannot build the initramfs (see build/test-logs/kernel-$kver.initramfs.log)"
		sed 's/^/#   /' "$logs/kernel-$kver.initramfs.log" | tail -n 5
		return
	fi
	t1=$(now)

	# QEMU's option parser splits on commas: give it only paths in $tmp.
	ln -sf "$img/boot/vmlinuz-$kver" "$tmp/vmlinuz-$kver"
	rm -f "$tmp/results"
	local offers precopy datasize dmalog
	offers=$(kernel_offers "$kver" "$img")
	read -r precopy datasize dmalog <<<"$offers"
	[ -n "$vfio_ko" ] && dmalog=1
	echo "# info: $name: the kernel offers PRE_COPY $precopy, MIG_DATA_SIZE $datasize, device DMA logging $dmalog (expected of the driver)"
	local -a checks=("${GUEST_CHECKS_BEFORE[@]}")
	mapfile -t -O ${#checks[@]} checks < <(vfio_checks "$precopy" "$datasize" "$dmalog")
	checks+=("${GUEST_CHECKS_AFTER[@]}")
	local append="intel_iommu=on console=ttyS0 panic=-1 oops=panic"
	if [ "$fault" = expect ]; then
		append="$append vfmig.precopy=$((!precopy)) vfmig.datasize=$datasize vfmig.dmalog=$((!dmalog))"
	else
		append="$append vfmig.precopy=$precopy vfmig.datasize=$datasize vfmig.dmalog=$dmalog"
	fi
	[ -n "$fault" ] && append="$append vfmig.fault=$fault"
	[ "$klab_runs" -gt 1 ] && append="$append vfmig.klab_runs=$klab_runs"
	local qt0 qt1
	qt0=$(now)
	timeout -k 5 "$timeout_s" "$QEMU" \
		"${LAB_MACHINE[@]}" -m 1024 -smp 1 \
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
		pass "kernel boots to the test init (TCG, q35, intel-iommu, two edu behind root ports)"
	else
		fail "kernel boots to the test init (TCG, q35, intel-iommu, two edu behind root ports)"
		echo "#   the guest never reported; QEMU exit status $rc; last console lines:"
		grep -av '^$' "$console" | tail -n 8 | sed 's/^/#   /'
	fi

	local c d
	for c in "${checks[@]}"; do
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
			echo "#   not reported: the guest stopped before this check (or skipped it)"
			;;
		esac
	done
	# A check the host does not know means the two lists disagree.
	local -A known=()
	for c in "${checks[@]}"; do known[${c%%|*}]=1; done
	for id in "${!status[@]}"; do
		if [ -z "${known[$id]:-}" ]; then
			fail "the guest reported check '$id' (${status[$id]}), which this kernel's list does not expect"
			echo "#   ${why[$id]}"
		fi
	done

	judge_kernel_log "$console" "$results" "the kernel log"

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

# Does KVER's own vfio.ko lack iova_bitmap (6.8 and later without
# CONFIG_IOMMUFD_DRIVER)? Then it is booted a second time with vfio.ko
# rebuilt from Debian's linux-source of the same version (build-vfio.sh).
lacks_iova_bitmap() {
	local v=${1%%-*} maj min
	maj=${v%%.*}; min=${v#*.}; min=${min%%[!0-9]*}
	[ $((maj * 100 + min)) -ge 608 ] &&
		! grep -qx 'CONFIG_IOMMUFD_DRIVER=y' "/usr/src/linux-headers-$1/.config"
}

for kver in "${kvers[@]}"; do
	boot_one "$kver"
	if lacks_iova_bitmap "$kver"; then
		if vko=$("$here/build-vfio.sh" "$kver" 2>"$logs/kernel-$kver.vfio-build.log"); then
			echo "# info: boot $kver: vfio.ko rebuilt with iova_bitmap: ${vko#"$top"/}"
			boot_one "$kver" "$vko"
		else
			failures=$((failures + 1))
			echo "FAIL boot $kver (vfio.ko with iova_bitmap): $(tail -n 1 "$logs/kernel-$kver.vfio-build.log")"
		fi
	fi
done
[ $failures -eq 0 ]
