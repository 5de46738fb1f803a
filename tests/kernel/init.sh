#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the boot-test initramfs (built by mkinitramfs.sh, run by
# boot-test.sh). Loads the vfio stack and our modules, binds QEMU's edu device
# (1234:11e8) to i40e_vfio_pci through driver_override, loads the model
# backend (vfmig_portable.ko), binds both edu devices again - now migratable
# VFs of two model PFs - runs the VFIO client /bin/vfio_check against them
# (its report lines are passed on as they come), then the kernel lab
# (/bin/vfmig-lab migrate --vfio A --to B, and its negative control),
# unbinds, unloads, and reports one line per check:
#
#   check ID ok|FAIL DETAIL     a check the host turns into "ok"/"FAIL"
#   info KEY VALUE              a number or fact for "# info:" lines
#   detail TEXT                 explanation, printed under a failed check
#   done                        the script ran to the end
#
# Reports go to the second serial port (a file on the host that the kernel
# never writes to, so kernel messages cannot tear them) and, prefixed with
# "@@vfmig ", to the console for whoever reads the console log. The host
# decides pass/fail; it also knows which checks must appear, so a guest that
# dies half-way fails every check it did not reach.
#
# "vfmig.fault=WHAT" on the kernel command line injects a failure to prove the
# host side catches it (boot-test.sh --fault WHAT): warning (a fake "WARNING:"
# kernel message), skip-deps (load no dependency), hang (never power off),
# panic (crash the kernel). "vfmig.precopy=0|1 vfmig.datasize=0|1
# vfmig.dmalog=0|1" say what the kernel must offer (boot-test.sh derives it
# from the kernel); they go to vfio_check as --expect. "vfmig.klab_runs=N"
# (boot-test.sh --klab-runs N): N kernel lab runs, figures of the extra ones
# as "info klab_repeat" lines.

/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s
exec </dev/console >/dev/console 2>&1
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

res=/dev/ttyS1
[ -c $res ] || res=/dev/null
say() {
	echo "$*" >$res
	echo "@@vfmig $*"
}
check() {	# id ok|FAIL detail...
	say "check $*"
}
detail() {
	say "detail $*"
}

fault=
expect=
klab_runs=1
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case $w in
	vfmig.fault=*) fault=${w#vfmig.fault=} ;;
	vfmig.klab_runs=*) klab_runs=${w#vfmig.klab_runs=} ;;
	vfmig.precopy=* | vfmig.datasize=* | vfmig.dmalog=*)
		expect="$expect${expect:+,}${w#vfmig.}" ;;
	esac
done

say "info uptime_at_init_s $(cut -d' ' -f1 /proc/uptime)"
say "info guest_kernel $(uname -r)"
say "info guest_cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

if [ "$fault" = warning ]; then
	echo "<4>WARNING: CPU: 0 PID: 1 at tests/kernel/init.sh: injected by vfmig.fault=warning" >/dev/kmsg
fi

# Kernel messages matching a pattern, for failure details.
kmsg_tail() {	# pattern
	dmesg | grep -E "$1" | tail -n 8 | while IFS= read -r l; do detail "dmesg: $l"; done
}

# ---- dependencies ----------------------------------------------------------
loaded=
failed=
if [ "$fault" != skip-deps ]; then
	while read -r kind name; do
		[ -n "$name" ] || continue
		if [ -d /sys/module/"$name" ]; then
			loaded="$loaded $name"
		elif out=$(insmod "/lib/modules/deps/$name.ko" 2>&1); then
			loaded="$loaded $name"
		elif [ "$kind" = req ]; then
			failed="$failed $name"
			detail "insmod $name: $out"
		else
			say "info optional_module_not_loaded $name: $out"
		fi
	done </etc/vfmig/deps
fi
missing=
for m in vfio vfio_iommu_type1 vfio_pci_core; do
	[ -d /sys/module/$m ] || missing="$missing $m"
done
if [ -z "$failed" ] && [ -z "$missing" ]; then
	check deps ok "loaded:$loaded"
else
	check deps FAIL "${failed:+insmod failed:$failed; }${missing:+not loaded:$missing}"
fi

# ---- i40e_vfio_pci ---------------------------------------------------------
drv=i40e_vfio_pci
if out=$(insmod /lib/modules/vfmig/$drv.ko 2>&1) && [ -d /sys/module/$drv ]; then
	check insmod_product ok "$(dmesg | grep -E "$drv" | tail -n 1)"
else
	check insmod_product FAIL "$out"
	kmsg_tail "$drv|Unknown symbol|disagrees|version magic"
fi

if [ -d /sys/bus/pci/drivers/$drv ]; then
	check driver_registered ok "/sys/bus/pci/drivers/$drv"
else
	check driver_registered FAIL "no /sys/bus/pci/drivers/$drv: the module registered no pci_driver of that name"
fi

bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
		bdf=${d##*/}
		break
	fi
done
group=
bound=
if [ -z "$bdf" ]; then
	check bind FAIL "no edu device (1234:11e8) in the guest"
elif [ ! -L "/sys/bus/pci/devices/$bdf/iommu_group" ]; then
	check bind FAIL "$bdf has no IOMMU group: is the vIOMMU enabled (intel_iommu=on)?"
else
	group=$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")
	group=${group##*/}
	say "info edu $bdf iommu_group $group"
	dev=/sys/bus/pci/devices/$bdf
	cur=$(readlink "$dev/driver" 2>/dev/null)
	if [ -n "$cur" ]; then
		echo "$bdf" >"$dev/driver/unbind"
	fi
	echo $drv >"$dev/driver_override"
	out=$({ echo "$bdf" >/sys/bus/pci/drivers_probe; } 2>&1)
	cur=$(readlink "$dev/driver" 2>/dev/null)
	cur=${cur##*/}
	if [ "$cur" = $drv ]; then
		bound=1
		check bind ok "$bdf bound to $drv via driver_override"
	else
		check bind FAIL "$bdf not bound to $drv (driver: ${cur:-none}; drivers_probe: ${out:-no error})"
		kmsg_tail "$drv|$bdf"
	fi
fi

if [ -z "$group" ]; then
	check vfio_group FAIL "no device, no IOMMU group"
elif [ -c "/dev/vfio/$group" ]; then
	check vfio_group ok "/dev/vfio/$group is a character device"
else
	check vfio_group FAIL "/dev/vfio/$group missing (/dev/vfio: $(cd /dev/vfio 2>/dev/null && echo *))"
fi

if [ -n "$bound" ]; then
	dev=/sys/bus/pci/devices/$bdf
	out=$({ echo "$bdf" >/sys/bus/pci/drivers/$drv/unbind; } 2>&1)
	echo >"$dev/driver_override"
	cur=$(readlink "$dev/driver" 2>/dev/null)
	ovr=$(cat "$dev/driver_override")
	if [ -z "$cur" ] && [ "$ovr" = "(null)" ]; then
		check unbind ok "$bdf has no driver and no driver_override"
	else
		check unbind FAIL "$bdf: driver ${cur:-none}, driver_override '$ovr' ${out:+(unbind: $out)}"
	fi
	if [ -e "/dev/vfio/$group" ]; then
		check vfio_group_released FAIL "/dev/vfio/$group still exists after unbind"
	else
		check vfio_group_released ok "/dev/vfio/$group removed with the last device"
	fi
else
	[ -n "$bdf" ] && echo >"/sys/bus/pci/devices/$bdf/driver_override"
	check unbind FAIL "skipped: the device was never bound"
	check vfio_group_released FAIL "skipped: the device was never bound"
fi

# ---- vfmig_portable: in-kernel self-tests ----------------------------------
if out=$(insmod /lib/modules/vfmig/vfmig_portable.ko 2>&1) && [ -d /sys/module/vfmig_portable ]; then
	check insmod_portable ok "init returned 0"
else
	check insmod_portable FAIL "$out"
	kmsg_tail "vfmig_portable|vfmig_selftest"
fi
line=$(dmesg | grep -oE 'vfmig_selftest: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -z "$line" ]; then
	check selftest FAIL "no 'vfmig_selftest: N passed, M failed' line in the kernel log"
else
	# shellcheck disable=SC2086 # split "vfmig_selftest: N passed, M failed"
	set -- $line
	say "info selftest_passed $2"
	say "info selftest_failed $4"
	if [ "$4" = 0 ] && [ "$2" -gt 0 ]; then
		check selftest ok "$line"
	else
		check selftest FAIL "$line"
		kmsg_tail "vfmig"
	fi
fi

# ---- the model backend: both edu devices as migratable VFs ------------------
# In bus order: the first becomes VF 0 of model PF 0 (device A of
# vfio_check), the second VF 0 of model PF 1 (device B).
edus=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
		edus="$edus ${d##*/}"
	fi
done
# shellcheck disable=SC2086 # the list of BDFs
set -- $edus
model_bound=
if [ ! -d /sys/module/vfmig_portable ]; then
	check bind_model FAIL "skipped: vfmig_portable (the model backend) is not loaded"
elif [ $# -lt 2 ]; then
	check bind_model FAIL "two edu devices needed, found $#:${edus:- none}"
else
	bad=
	pf=0
	for b in "$1" "$2"; do
		dev=/sys/bus/pci/devices/$b
		echo $drv >"$dev/driver_override"
		out=$({ echo "$b" >/sys/bus/pci/drivers_probe; } 2>&1)
		cur=$(readlink "$dev/driver" 2>/dev/null)
		cur=${cur##*/}
		if [ "$cur" != $drv ]; then
			bad="$bad; $b not bound (driver ${cur:-none}; drivers_probe: ${out:-no error})"
			continue
		fi
		model_bound="$model_bound $b"
		if ! dmesg | grep -q "$b: VF [0-9]* served by .*: migration enabled"; then
			bad="$bad; $b: no 'migration enabled' in the kernel log"
		fi
		if ! dmesg | grep -q "$b: vfmig model backend: VF 0 of model PF $pf\$"; then
			bad="$bad; $b is not VF 0 of model PF $pf"
		fi
		pf=$((pf + 1))
	done
	if [ -z "$bad" ]; then
		check bind_model ok "$1 and $2 bound, migration enabled, VF 0 of model PF 0 and PF 1"
	else
		check bind_model FAIL "${bad#; }"
		kmsg_tail "$drv|vfmig"
	fi
fi

# The client's report lines pass through; anything else it prints becomes a
# detail of the check before it.
if [ -n "$model_bound" ] && [ -x /bin/vfio_check ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	{ /bin/vfio_check --expect "$expect" "$1" "$2" 2>&1; echo "vfio_check-exit $?"; } |
		while IFS= read -r l; do
			case $l in
			"check "* | "info "* | "detail "*) say "$l" ;;
			"vfio_check-exit "*) echo "${l#vfio_check-exit }" >/tmp/vfio_check.rc ;;
			*) say "detail vfio_check: $l" ;;
			esac
		done
	rc=$(cat /tmp/vfio_check.rc 2>/dev/null)
	say "info vfio_check_s $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.2f", b - a }') (guest time)"
	if [ "$rc" = 0 ]; then
		check vfio_check ok "ran to its end"
	else
		check vfio_check FAIL "exit status ${rc:-unknown} (>128: killed by signal)"
		kmsg_tail "$drv|vfmig|BUG|WARN"
	fi
elif [ -n "$model_bound" ]; then
	check vfio_check FAIL "no /bin/vfio_check in the initramfs"
else
	check vfio_check FAIL "skipped: the devices are not bound"
fi

# ---- the kernel lab: vfmig-lab migrate --vfio on the same two devices ------
# The lab's guest, traffic and migration engine over real VFIO ioctls
# (lab/klab.c): A's guest sends frames to the wire's reflector, is
# live-migrated to B in real time and goes on there; the lab's own checks
# (device pages missed, RAM, frames lost/duplicated/corrupted) decide its
# exit status. Its human summary comes as "info klab" lines, its JSON
# figures as "info klab_*". A second, short run ignores the device's dirty
# report (--debug-drop-device-report): its checks must fail, or the first
# run's "0 missed" would prove nothing.
KLAB_ARGS="--seconds 2 --queues 2 --ring 256 --rate 2000 --traffic bidir --ram-mib 16"
klab_json() {	# KEY... : values, one a line
	/bin/vfmig-lab json /tmp/klab.json "$@" 2>/dev/null
}
if [ -n "$model_bound" ] && [ -x /bin/vfmig-lab ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086 # KLAB_ARGS are words
	/bin/vfmig-lab migrate --vfio "$1" --to "$2" $KLAB_ARGS \
		--json /tmp/klab.json >/tmp/klab.out 2>&1
	rc=$?
	say "info klab_s $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.2f", b - a }') (guest time; vfmig-lab migrate --vfio $1 --to $2 $KLAB_ARGS)"
	while IFS= read -r l; do say "info klab $l"; done </tmp/klab.out
	figs=$(klab_json missed_device_pages dirty_pages_true_device dirty_pages_reported_device \
		ram_mismatch_pages descriptors_lost packets_duplicated packets_corrupted \
		packets_tx packets_rx packets_dropped_blackout | tr '\n' ' ')
	# shellcheck disable=SC2086 # ten numbers
	set -- $figs
	if [ $# -ne 10 ]; then
		for c in klab_migrate klab_device_pages klab_ram klab_traffic; do
			check $c FAIL "exit status $rc, no JSON report ($(tail -n 1 /tmp/klab.out))"
		done
	else
		for k in downtime_ms device_downtime_ms total_ms precopy_rounds ram_bytes_sent \
			device_bytes_precopy device_bytes_stopcopy dirty_pages_reported_device \
			dirty_pages_true_device missed_device_pages ram_mismatch_pages packets_tx \
			packets_rx packets_dropped_blackout phases; do
			say "info klab_$k $(klab_json $k)"
		done
		if [ "$rc" = 0 ]; then
			check klab_migrate ok "exit 0: migrated A -> B, every check of the lab passed"
		else
			check klab_migrate FAIL "exit status $rc: $(klab_json error)"
		fi
		if [ "$1" = 0 ] && [ "$2" -gt 0 ]; then
			check klab_device_pages ok "$2 pages written by A's device (not by the guest CPU), $3 reported, 0 missed"
		elif [ "$2" = 0 ]; then
			check klab_device_pages FAIL "A's device wrote no page the CPU did not: nothing was judged"
		else
			check klab_device_pages FAIL "$1 of the $2 pages A's device wrote were not in its dirty report"
		fi
		if [ "$4" = 0 ]; then
			check klab_ram ok "B's RAM equals A's at the switchover"
		else
			check klab_ram FAIL "$4 pages differ between A's and B's RAM"
		fi
		if [ "$5" = 0 ] && [ "$6" = 0 ] && [ "$7" = 0 ] && [ "$9" -gt 0 ]; then
			check klab_traffic ok "$8 frames sent to the reflector, $9 came back intact once each, ${10} in the blackout"
		else
			check klab_traffic FAIL "$8 sent, $9 back: $5 lost, $6 duplicated, $7 corrupted"
		fi
	fi
	# shellcheck disable=SC2086 # the BDFs
	set -- $model_bound
	# shellcheck disable=SC2086 # KLAB_ARGS are words
	/bin/vfmig-lab migrate --vfio "$1" --to "$2" $KLAB_ARGS --seconds 1 \
		--debug-drop-device-report --quiet --json /tmp/klab.json >/tmp/klab.out 2>&1
	rc=$?
	missed=$(klab_json missed_device_pages)
	if [ "$rc" = 3 ] && [ "${missed:-0}" -gt 0 ]; then
		check klab_negative ok "with the device's dirty report ignored: exit 3, $missed device pages missed"
	else
		check klab_negative FAIL "with the device's dirty report ignored: exit $rc, missed_device_pages ${missed:-none}; want exit 3 and > 0"
		while IFS= read -r l; do detail "vfmig-lab: $l"; done </tmp/klab.out
	fi
	# More runs for measurements (boot-test.sh --klab-runs N): figures only.
	i=2
	while [ "$i" -le "$klab_runs" ]; do
		# shellcheck disable=SC2086 # KLAB_ARGS are words
		/bin/vfmig-lab migrate --vfio "$1" --to "$2" $KLAB_ARGS --seed "$i" \
			--json /tmp/klab.json --stats /tmp/klab-stats.json >/tmp/klab.out 2>&1
		rc=$?
		say "info klab_repeat $i exit $rc $(klab_json downtime_ms device_downtime_ms \
			total_ms precopy_rounds device_bytes_precopy device_bytes_stopcopy \
			dirty_pages_reported_device dirty_pages_true_device missed_device_pages \
			ram_mismatch_pages packets_tx packets_rx descriptors_lost phases | tr '\n' ' ')$(
			/bin/vfmig-lab json /tmp/klab-stats.json kernel_lab 2>/dev/null)"
		[ "$rc" = 0 ] || say "info klab_repeat $i error $(klab_json error)"
		i=$((i + 1))
	done
elif [ -n "$model_bound" ]; then
	for c in klab_migrate klab_device_pages klab_ram klab_traffic klab_negative; do
		check $c FAIL "no /bin/vfmig-lab in the initramfs"
	done
else
	for c in klab_migrate klab_device_pages klab_ram klab_traffic klab_negative; do
		check $c FAIL "skipped: the devices are not bound"
	done
fi

bad=
for b in $model_bound; do
	dev=/sys/bus/pci/devices/$b
	out=$({ echo "$b" >/sys/bus/pci/drivers/$drv/unbind; } 2>&1)
	echo >"$dev/driver_override"
	cur=$(readlink "$dev/driver" 2>/dev/null)
	[ -z "$cur" ] || bad="$bad; $b still bound to ${cur##*/} ${out:+(unbind: $out)}"
done
if [ -z "$model_bound" ]; then
	check unbind_model FAIL "skipped: nothing was bound"
elif [ -z "$bad" ]; then
	check unbind_model ok "$model_bound unbound"
else
	check unbind_model FAIL "${bad#; }"
fi

# ---- unload ----------------------------------------------------------------
if [ -d /sys/module/vfmig_portable ]; then
	out=$(rmmod vfmig_portable 2>&1)
	if [ -d /sys/module/vfmig_portable ]; then
		check rmmod_portable FAIL "$out"
	else
		check rmmod_portable ok "unloaded"
	fi
else
	check rmmod_portable FAIL "skipped: vfmig_portable is not loaded"
fi
if [ -d /sys/module/$drv ]; then
	out=$(rmmod $drv 2>&1)
	if [ -d /sys/module/$drv ]; then
		check rmmod_product FAIL "$out (refcnt $(cat /sys/module/$drv/refcnt 2>/dev/null))"
	else
		check rmmod_product ok "unloaded"
	fi
else
	check rmmod_product FAIL "skipped: $drv is not loaded"
fi

# Taint flags catch a WARN whose console line got lost: W = 512, D = 128.
say "info tainted $(cat /proc/sys/kernel/tainted)"

case $fault in
hang) sleep 100000 ;;
panic) echo c >/proc/sysrq-trigger ;;
esac
say "done"
sync
poweroff -f
